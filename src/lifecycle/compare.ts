// Runs compared side by side (GET /v1/compare, /compare): 2 to 6 runs the viewer may see, the first
// the base. Their grid suites are compared on the cells every run tested (./compare-grid.ts), their
// suites metric by metric (./compare-suites.ts). A private run of someone else is as unknown here
// as on every other route.
import type { Principal } from "../accounts/principal";
import { DomainError, invalid } from "../common/errors";
import { MAX_COMPARED_RUNS, MIN_COMPARED_RUNS, type Comparison } from "../contract/compare";
import type { RunRow } from "../db/schema";
import type { GridRecipe } from "../probes/suites/aggregate";
import { NOISE_ALPHA } from "../probes/suites/difference";
import { SUITES } from "../probes/suites";
import type { SettledProbe, SuiteAggregate } from "../probes/suites/suite";
import { visibleRun } from "./access";
import { compareEffectiveLengths, compareGrid, type GridRun } from "./compare-grid";
import { compareSuites } from "./compare-suites";
import { settledProbes } from "./store/probes";
import { suitesOf } from "./views";

const runsField = (detail: string) => [{ pointer: "/runs", detail, in: "query" as const }];

/** `A,B[,C…]` → distinct run ids, or a 422 naming `runs`. */
export function parseRunIds(asked: string | undefined): string[] {
  const ids = (asked ?? "").split(",").map((id) => id.trim()).filter(Boolean);
  const fail = (detail: string) => invalid(runsField(detail), () => detail);
  if (new Set(ids).size !== ids.length) throw fail("names a run twice");
  if (ids.length < MIN_COMPARED_RUNS) throw fail(`name at least ${MIN_COMPARED_RUNS} runs, comma-separated (got ${ids.length})`);
  if (ids.length > MAX_COMPARED_RUNS) throw fail(`name at most ${MAX_COMPARED_RUNS} runs (got ${ids.length})`);
  if (ids.some((id) => id.length > 64)) throw fail("a run id is at most 64 characters");
  return ids;
}

/** The runs, each one the viewer may see; unknown and invisible ones answer 404 naming `runs`. */
async function comparedRuns(env: Env, viewer: Principal | null, ids: string[]): Promise<RunRow[]> {
  const found = await Promise.allSettled(ids.map((id) => visibleRun(env, viewer, id)));
  const missing = ids.filter((_, i) => found[i]!.status === "rejected");
  const other = found.find((f): f is PromiseRejectedResult => f.status === "rejected" && !(f.reason instanceof DomainError && f.reason.kind === "not-found"));
  if (other) throw other.reason;
  if (missing.length) {
    const detail = `no run with id ${missing.join(", ")}`;
    throw new DomainError("not-found", "not-found", `runs: ${detail}`, { fields: runsField(detail) });
  }
  return found.map((f) => (f as PromiseFulfilledResult<RunRow>).value);
}

/** The grid suite every run has: needle first, else non-literal (the first of its type in each run). */
export function sharedGrid(rows: RunRow[]): GridRecipe[] | null {
  for (const type of ["needle", "nonliteral"] as const) {
    const recipes = rows.map((r) => [...r.suites].sort((a, b) => a.index - b.index).find((s): s is GridRecipe => s.type === type));
    if (recipes.every((r) => r !== undefined)) return recipes as GridRecipe[];
  }
  return null;
}

function gridMetric(recipes: GridRecipe[] | null, asked: string | undefined): string | null {
  if (!recipes) return null;
  const metrics = SUITES[recipes[0]!.type].metrics;
  if (asked === undefined) return metrics[0]!;
  if (!metrics.includes(asked)) throw invalid([{ pointer: "/metric", detail: `one of ${metrics.join(", ")}`, in: "query" }], () => "invalid metric");
  return asked;
}

export const NOISE_TEXT = {
  cells:
    `Per cell and per length, two-sided: Fisher's exact test where every score is 0 or 1, else an exact permutation test of the difference in means; ` +
    `p adjusted by Benjamini–Hochberg over the map's cells (and, apart, over its lengths); beyond noise when q < ${NOISE_ALPHA}. A cell of one probe per run can never be.`,
  suites: "Values with 95 % intervals: Wilson (0/1 scores) or a percentile bootstrap (graded scores); deltas with Newcombe's hybrid score interval or a bootstrap; beyond noise when the delta's interval excludes 0.",
};

export interface ComparisonResult {
  comparison: Comparison;
  rows: RunRow[];
  /** The grid suite compared, per run (the pages draw its heatmaps). */
  grid: GridRecipe[] | null;
}

/** The comparison of `asked` (A,B[,C…]) for this viewer, on `metric` (default: the grid suite's headline metric). */
export async function compareRuns(env: Env, viewer: Principal | null, asked: string | undefined, metric?: string): Promise<ComparisonResult> {
  const rows = await comparedRuns(env, viewer, parseRunIds(asked));
  const grid = sharedGrid(rows);
  const chosen = gridMetric(grid, metric);
  const probes: SettledProbe[][] = await Promise.all(rows.map((r) => settledProbes(env.DB, r.id)));
  const results: SuiteAggregate[][] = rows.map((r, i) => suitesOf(r, probes[i]!));
  const gridRuns = (recipes: GridRecipe[]): GridRun[] => rows.map((r, i) => ({ runId: r.id, recipe: recipes[i]!, probes: probes[i]! }));
  const needle = grid?.[0]!.type === "needle" ? grid : null;
  const comparison: Comparison = {
    runs: rows.map((r) => ({ run_id: r.id, model_name: r.modelName, status: r.status, series: r.series, step: r.step, tokens_trained: r.tokensTrained })),
    base_run_id: rows[0]!.id,
    grid: grid && chosen ? compareGrid(gridRuns(grid), chosen) : null,
    effective_lengths: needle ? compareEffectiveLengths(gridRuns(needle), needle.map((recipe, i) => results[i]!.find((s) => s.index === recipe.index))) : [],
    suites: compareSuites(rows.map((r, i) => ({ runId: r.id, recipes: r.suites, results: results[i]!, probes: probes[i]! }))),
    noise: { alpha: NOISE_ALPHA, ...NOISE_TEXT },
  };
  return { comparison, rows, grid };
}
