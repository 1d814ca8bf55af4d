// The shape of the non-literal suite's own figures in a run's results (one source: the aggregate
// builds these types and the API documents this schema).
import { z } from "zod";
import { NEEDLE_KINDS } from "./types";

const Length = z.int().nullable();
const Means = z.record(z.string(), z.number().nullable());

export const EffectiveLengthFigure = z.object({
  length: Length.meta({ description: "Largest passing length; null when none passes." }),
  low: Length,
  high: Length,
  threshold: z.number().meta({ description: "The bar applied, 0–1." }),
  definition: z.enum(["relative", "absolute"]),
  resamples: z.int(),
});

export const LiteralGapFigure = z.object({
  length: Length.meta({ description: "Literal effective length minus non-literal effective length, in tokens (a kind passing no length counts 0); null when literal passes none." }),
  low: Length,
  high: Length,
  definition: z.enum(["relative", "absolute"]),
  resamples: z.int(),
});

export const KindFigures = z.object({
  scores: Means,
  by_length: z.record(z.string(), Means).meta({ description: "Length → contains and distracted means (0–100)." }),
  by_length_ci: z.record(z.string(), z.object({ mean: z.number(), low: z.number(), high: z.number() })).meta({ description: "Length → contains mean (0–1) with a 95 % bootstrap interval." }),
  effective_context_length: z.object({ relative: EffectiveLengthFigure, absolute: EffectiveLengthFigure }).meta({
    description: "relative: every length up to it keeps ≥ 0.85 × the kind's own mean at the shortest length (NoLiMa's rule); absolute: ≥ 0.85 (85 of 100).",
  }),
});
export type KindFigures = z.infer<typeof KindFigures>;

export const NonliteralFigures = z.object({
  kinds: z.array(z.enum(NEEDLE_KINDS)),
  distractors: z.int(),
  haystack_order: z.enum(["coherent", "shuffled"]),
  by_kind: z.partialRecord(z.enum(NEEDLE_KINDS), KindFigures),
  pooled: KindFigures.nullable().meta({ description: "one_hop and two_hop pooled: the suite's headline (null without them)." }),
  literal_gap: z.object({ relative: LiteralGapFigure, absolute: LiteralGapFigure }).nullable().meta({
    description: "How much further the model retrieves literally than by inference; null unless literal and a non-literal kind both ran.",
  }),
});
export type NonliteralFigures = z.infer<typeof NonliteralFigures>;
