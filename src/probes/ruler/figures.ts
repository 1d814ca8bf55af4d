// The shape of the RULER suite's own figures in a run's results (the aggregate builds these types and
// the API documents this schema). Means are 0–100, as RULER's tables print them.
import { z } from "zod";
import { EffectiveLengthFigure } from "../nonliteral/figures";
import { RULER_TASKS } from "./protocol";

export const RulerCell = z.object({
  mean: z.number().meta({ description: "Mean score, 0–100." }),
  low: z.number(),
  high: z.number(),
  n: z.int().meta({ description: "Scored probes." }),
});
export type RulerCell = z.infer<typeof RulerCell>;

export const RulerTaskFigures = z.object({
  mean: z.number().nullable().meta({ description: "Mean over the task's lengths (0–100)." }),
  by_length: z.record(z.string(), RulerCell).meta({ description: "Length → the task's mean with a 95 % bootstrap interval." }),
});

export const RulerFigures = z.object({
  tasks: z.array(z.enum(RULER_TASKS)),
  context_lengths: z.array(z.int()),
  samples: z.int(),
  by_task: z.partialRecord(z.enum(RULER_TASKS), RulerTaskFigures),
  average_by_length: z.record(z.string(), RulerCell).meta({
    description: "Length → the RULER average: the mean of the task means at that length (RULER's table row), with a 95 % bootstrap interval resampling probes within each task × length.",
  }),
  average: z.number().nullable().meta({ description: "Mean of the per-length averages (RULER's Avg. column)." }),
  effective_context_length: z.object({ ruler: EffectiveLengthFigure, relative: EffectiveLengthFigure }).meta({
    description:
      "ruler: the largest length up to which every length's average stays ≥ 85.6 (Llama-2-7B at 4K, RULER's threshold; threshold 0.856); relative: ≥ 0.85 × the average at the shortest length. Both with 95 % bootstrap intervals.",
  }),
});
export type RulerFigures = z.infer<typeof RulerFigures>;
