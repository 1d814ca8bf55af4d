// A checkpoint series: each trend metric over the steps (or training tokens) of its public runs.
import { z } from "zod";
import { Regression } from "./run";

export const SeriesPoint = z
  .object({
    run_id: z.string(),
    model_name: z.string(),
    step: z.int().nullable(),
    tokens_trained: z.int().nullable(),
    finished_at: z.string().nullable(),
    scores: z.record(z.string(), z.number()).meta({ description: "suite.metric → score (0–100)." }),
    effective_context_length: z.int().nullable().meta({ description: "Of the first needle suite." }),
    effective_context_length_interval: z.object({ low: z.int().nullable(), high: z.int().nullable() }).nullable().meta({ description: "Its 95 % bootstrap interval (null without a needle suite)." }),
    nonliteral_effective_context_length: z.int().nullable().meta({ description: "Of the first non-literal suite (one_hop and two_hop pooled, relative rule)." }),
    literal_gap: z.int().nullable().meta({ description: "Of the first non-literal suite: literal minus non-literal effective length in tokens; a gap closing over training means the model learns to read, not only to match." }),
    ruler_effective_context_length: z.int().nullable().optional().meta({ description: "Of the first RULER suite, by RULER's rule (every length's average ≥ 85.6); its average is scores[\"ruler.ruler\"]." }),
    loss_at: z.record(z.string(), z.number()).meta({ description: "Of the first loss suite: context length → Loss@L in nats over all its domains ({} without one): the paper's Figure 3 over training." }),
    regression: z.boolean().meta({ description: "Flagged against the previous step when it finished." }),
    regression_detail: Regression.nullable().meta({ description: "The comparison with the previous step (what dropped, by how much, the margins); null for a series' first step." }),
  })
  .meta({ id: "SeriesPoint" });

export const Series = z
  .object({
    name: z.string(),
    metrics: z.array(z.string()),
    points: z.array(SeriesPoint).meta({ description: "Public succeeded runs of the series by step (or training tokens)." }),
  })
  .meta({ id: "Series" });

export type SeriesPoint = z.infer<typeof SeriesPoint>;
export type Series = z.infer<typeof Series>;
