// The shape of a multiple-choice suite's figures in a run's results (one source: the aggregate
// builds these types and the API documents this schema). Accuracies are 0–100.
import { z } from "zod";
import { MC_SCORING_MODES } from "./scoring";

export const Accuracy = z.object({
  acc: z.number().meta({ description: "Accuracy, 0–100." }),
  low: z.number().meta({ description: "95 % interval, 0–100." }),
  high: z.number(),
  n: z.int().meta({ description: "Questions scored." }),
});
export type Accuracy = z.infer<typeof Accuracy>;

export const McFigures = z.object({
  scoring: z.enum(MC_SCORING_MODES).nullable().meta({ description: "How answers were scored on this endpoint (decided by the run's first probe); null before." }),
  shots: z.int(),
  shots_from: z.enum(["dev", "first_items"]),
  micro: Accuracy.nullable().meta({ description: "Accuracy over all questions, with its Wilson interval." }),
  macro: Accuracy.extend({ subjects: z.int() }).nullable().meta({ description: "Mean of the subjects' accuracies; interval from their binomial variances." }),
  by_subject: z.record(z.string(), Accuracy.extend({ group: z.string().nullable() })),
  by_group: z.record(z.string(), Accuracy).meta({ description: "MMLU's four groups (stem, humanities, social_sciences, other), each over its questions; only for MMLU's subjects." }),
});
export type McFigures = z.infer<typeof McFigures>;
