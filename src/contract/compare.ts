// Runs compared side by side (GET /v1/compare): their heatmaps on the grid they share, each run's
// difference from the first (B − A per cell and per length, with whether it is beyond probe-level
// noise), the suites' scores with deltas and intervals, and effective lengths.
import { z } from "zod";

export const MIN_COMPARED_RUNS = 2;
export const MAX_COMPARED_RUNS = 6;

export const ComparedRun = z.object({
  run_id: z.string(),
  model_name: z.string(),
  status: z.string(),
  series: z.string().nullable(),
  step: z.int().nullable(),
  tokens_trained: z.int().nullable(),
});

const Difference = z.object({
  a: z.number().nullable().meta({ description: "The base run's mean, 0–1 (null: nothing scored here)." }),
  b: z.number().nullable().meta({ description: "This run's mean, 0–1." }),
  difference: z.number().nullable().meta({ description: "b − a, −1 to 1; null unless both are scored." }),
  n_a: z.int(),
  n_b: z.int(),
  test: z.enum(["fisher", "permutation"]).nullable().meta({ description: "fisher: every score is 0 or 1 (Fisher's exact test); permutation: graded scores (exact permutation test of the difference in means)." }),
  p_value: z.number().nullable().meta({ description: "Two-sided." }),
  q_value: z.number().nullable().meta({ description: "p adjusted by Benjamini–Hochberg over the map's cells (or over the lengths)." }),
  beyond_noise: z.boolean().meta({ description: "q < 0.05. One probe per run and cell can never be: see the lengths." }),
});

export const DifferenceCell = Difference.extend({ context_length: z.int(), depth_percent: z.int() });
export const LengthDifference = Difference.extend({ context_length: z.int() });

export const GridDifference = z.object({
  run_id: z.string(),
  against: z.string().meta({ description: "The base run (the first of `runs`)." }),
  cells: z.array(z.array(DifferenceCell)).meta({ description: "Rows are the common depths, columns the common lengths." }),
  by_length: z.array(LengthDifference).meta({ description: "Every common depth of a length pooled." }),
});

export const CompareGrid = z.object({
  suite_type: z.enum(["needle", "nonliteral"]),
  metric: z.string(),
  context_lengths: z.array(z.int()).meta({ description: "Lengths every run tested." }),
  depth_percents: z.array(z.int()).meta({ description: "Depths every run tested." }),
  not_shared: z.array(z.object({ run_id: z.string(), context_lengths: z.array(z.int()), depth_percents: z.array(z.int()) })).meta({ description: "Per run, what it tested that another did not: left out." }),
  heatmaps: z.array(
    z.object({
      run_id: z.string(),
      suite: z.int(),
      scores: z.array(z.array(z.number().nullable())).meta({ description: "Common cells: rows depths, columns lengths; 0–1." }),
      counts: z.array(z.array(z.int())),
      by_length: z.array(z.number().nullable()).meta({ description: "Mean per common length over the common depths, 0–1." }),
    }),
  ),
  differences: z.array(GridDifference),
});

export const EffectiveLengthComparison = z.object({
  run_id: z.string(),
  length: z.int().nullable().meta({ description: "As the run reports it (its whole needle grid)." }),
  low: z.int().nullable(),
  high: z.int().nullable(),
  common: z.object({ length: z.int().nullable(), low: z.int().nullable(), high: z.int().nullable() }).nullable().meta({ description: "On the common lengths only." }),
  difference: z.object({ length: z.int().nullable(), low: z.int().nullable(), high: z.int().nullable() }).nullable().meta({ description: "This run's common effective length minus the base run's, tokens, with a 95 % bootstrap interval." }),
});

export const SuiteComparison = z.object({
  suite_type: z.string(),
  metric: z.string(),
  unit: z.enum(["score", "nats"]).meta({ description: "score: 0–100; nats: loss." }),
  common_cells: z.boolean().meta({ description: "Grid suites: computed on the cells every run tested." }),
  values: z.array(z.object({ run_id: z.string(), value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable(), n: z.int().nullable() })),
  deltas: z.array(
    z.object({
      run_id: z.string(),
      delta: z.number().nullable().meta({ description: "This run minus the base run." }),
      low: z.number().nullable(),
      high: z.number().nullable(),
      beyond_noise: z.boolean().nullable().meta({ description: "The 95 % interval of the delta excludes 0; null without an interval." }),
    }),
  ),
});

export const Comparison = z
  .object({
    runs: z.array(ComparedRun),
    base_run_id: z.string(),
    grid: CompareGrid.nullable().meta({ description: "The first needle suite of each run, else the first non-literal one; null when they share neither." }),
    effective_lengths: z.array(EffectiveLengthComparison),
    suites: z.array(SuiteComparison),
    noise: z.object({ alpha: z.number(), cells: z.string(), suites: z.string() }),
  })
  .meta({ id: "Comparison" });

export type ComparedRun = z.infer<typeof ComparedRun>;
export type DifferenceCell = z.infer<typeof DifferenceCell>;
export type LengthDifference = z.infer<typeof LengthDifference>;
export type CompareGrid = z.infer<typeof CompareGrid>;
export type EffectiveLengthComparison = z.infer<typeof EffectiveLengthComparison>;
export type SuiteComparison = z.infer<typeof SuiteComparison>;
export type Comparison = z.infer<typeof Comparison>;
