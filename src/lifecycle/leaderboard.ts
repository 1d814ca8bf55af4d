// The leaderboard: one row per public succeeded run (built here once, for the API and the page
// alike), optionally with the numbers reported in the paper as rows marked `reported`, never mixed
// silently with measured ones.
import { iso } from "../common/time";
import type { LeaderboardRow } from "../contract/leaderboard";
import type { ScoreMap } from "../probes/suites/suite";
import { DEFAULT_LOSS_LENGTHS } from "../probes/loss/resolve";
import { REPORTED_ROWS, REPORTED_SOURCE } from "./reported";
import { storedModel } from "./run-model";
import { leaderboardRuns } from "./store/runs";
import { INVALIDATING_WARNINGS, runWarnings } from "./warnings";

/** A measured row with what the page draws beside it. */
export interface BoardEntry {
  row: LeaderboardRow;
  /** The first needle suite's means per length (the page's sparkline). */
  needleByLength: Record<string, ScoreMap>;
  /** Prompt tokens the endpoint reported for the run. */
  promptTokens: number;
}

/** Public succeeded runs, newest finished first (at most 1,000). */
export async function boardEntries(env: Env): Promise<BoardEntry[]> {
  return (await leaderboardRuns(env.DB, 1000)).map((run) => {
    const suites = run.results ?? [];
    const byType: Record<string, ScoreMap> = {};
    for (const s of suites) byType[s.type] ??= s.scores;
    const needle = suites.find((s) => s.type === "needle");
    const effective = needle?.effective_context_length;
    const nonliteral = suites.find((s) => s.type === "nonliteral")?.nonliteral;
    const gap = nonliteral?.literal_gap?.relative;
    const loss = suites.find((s) => s.type === "loss")?.loss;
    const row: LeaderboardRow = {
      run_id: run.id,
      model: storedModel(run),
      reference: run.reference === 1,
      series: run.series,
      step: run.step,
      reported: false,
      source: null,
      tokens_processed: run.promptTokens + run.completionTokens,
      suites: byType,
      effective_context_length: effective?.length ?? null,
      effective_context_length_interval: effective ? [effective.low, effective.high] : null,
      nonliteral_effective_context_length: nonliteral?.pooled?.effective_context_length.relative.length ?? null,
      literal_gap: gap?.length ?? null,
      literal_gap_interval: gap ? [gap.low, gap.high] : null,
      serving: run.serving ? { engine: run.serving.engine, version: run.serving.version } : null,
      loss_at: loss ? Object.fromEntries(Object.entries(loss.loss_at).map(([length, cell]) => [length, cell.loss])) : null,
      warnings: runWarnings(run, suites).map((w) => w.code),
      finished_at: iso(run.finishedAt),
    };
    return { row, needleByLength: needle?.by_length ?? {}, promptTokens: run.promptTokens };
  });
}

/** The paper's Tables 3–4 as rows marked `reported`. */
export function reportedRows(): LeaderboardRow[] {
  return REPORTED_ROWS.map((r) => ({
    run_id: null,
    model: { name: r.name, ...(r.contextWindow ? { context_window: r.contextWindow } : {}) },
    reference: false,
    series: null,
    step: null,
    reported: true,
    source: REPORTED_SOURCE,
    tokens_processed: null,
    suites: {
      ...(r.needlePaper !== null ? { needle: { paper: r.needlePaper } } : {}),
      ...(r.bookqaPaperRecall !== null ? { bookqa: { paper_recall: r.bookqaPaperRecall } } : {}),
      ...(r.mmlu !== null ? { mmlu: { micro: r.mmlu } } : {}),
    },
    effective_context_length: null,
    effective_context_length_interval: null,
    nonliteral_effective_context_length: null,
    literal_gap: null,
    literal_gap_interval: null,
    loss_at: null,
    serving: null,
    warnings: [],
    finished_at: null,
  }));
}

type SortValue = string | number | null;

/**
 * Orders items by `value` in `dir`; items without a value always come last, and `tieBreak` (if
 * given) orders equal values. Stable: equal items keep their order (newest finished first).
 */
export function orderBy<T>(items: T[], value: (item: T) => SortValue, dir: "asc" | "desc", tieBreak?: (a: T, b: T) => number): T[] {
  const sign = dir === "asc" ? 1 : -1;
  const compare = (x: SortValue, y: SortValue) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : sign * (x < y ? -1 : 1));
  return [...items].sort((a, b) => compare(value(a), value(b)) || (tieBreak?.(a, b) ?? 0));
}

/** Loss@L columns at the paper's lengths (a run's other lengths are in loss_at, not sortable). */
const LOSS_SORT_KEYS = DEFAULT_LOSS_LENGTHS.map((length) => `loss@${length}` as const);

export const LEADERBOARD_SORT_KEYS = [
  "needle.paper",
  "needle.contains",
  "needle.rouge1",
  "bookqa.infinitebench",
  "bookqa.paper_recall",
  "nonliteral.nonliteral",
  "nonliteral.literal",
  "nonliteral.distracted",
  "mmlu.micro",
  "mmlu.macro",
  "effective_context_length",
  "nonliteral_effective_context_length",
  "literal_gap",
  ...LOSS_SORT_KEYS,
  "tokens_processed",
  "finished_at",
] as const;
export type LeaderboardSortKey = (typeof LEADERBOARD_SORT_KEYS)[number];

/** Where smaller is better, so a sort without `dir` puts the smallest first. */
export function defaultSortDir(key: LeaderboardSortKey): "asc" | "desc" {
  return key === "literal_gap" || key.startsWith("loss@") ? "asc" : "desc";
}

export function rowValue(row: LeaderboardRow, key: LeaderboardSortKey): SortValue {
  if (key === "effective_context_length") return row.effective_context_length;
  if (key === "nonliteral_effective_context_length") return row.nonliteral_effective_context_length;
  if (key === "literal_gap") return row.literal_gap;
  if (key.startsWith("loss@")) return row.loss_at?.[key.slice("loss@".length)] ?? null;
  if (key === "tokens_processed") return row.tokens_processed;
  if (key === "finished_at") return row.finished_at;
  const [suite, metric] = key.split(".") as [string, string];
  return row.suites[suite]?.[metric] ?? null;
}

export interface LeaderboardQuery {
  limit: number;
  sort: LeaderboardSortKey;
  dir: "asc" | "desc";
  suite?: "needle" | "bookqa" | "nonliteral" | "loss" | "mmlu";
  series?: string;
  reference?: "only" | "hide";
  min_length?: number;
  group: "run" | "model";
  include?: "reported";
  /** only: hide runs whose lengths are not what they claim (see INVALIDATING_WARNINGS). */
  valid?: "only";
}

/** The API's leaderboard: filtered, with the reported rows if asked, ordered, one per model if grouped. */
export async function leaderboardRows(env: Env, query: LeaderboardQuery): Promise<LeaderboardRow[]> {
  let rows = (await boardEntries(env)).map((e) => e.row);
  if (query.reference === "only") rows = rows.filter((r) => r.reference);
  if (query.reference === "hide") rows = rows.filter((r) => !r.reference);
  if (query.valid === "only") rows = rows.filter((r) => !r.warnings.some((code) => INVALIDATING_WARNINGS.includes(code)));
  if (query.min_length !== undefined) rows = rows.filter((r) => (r.effective_context_length ?? -1) >= query.min_length!);
  if (query.include === "reported" && query.reference !== "only" && query.min_length === undefined) rows.push(...reportedRows());
  if (query.suite) rows = rows.filter((r) => query.suite! in r.suites);
  if (query.series) rows = rows.filter((r) => r.series === query.series);
  rows = orderBy(rows, (r) => rowValue(r, query.sort), query.dir);
  if (query.group === "model") {
    const seen = new Set<string>();
    rows = rows.filter((r) => !seen.has(r.model.name) && seen.add(r.model.name) !== undefined);
  }
  return rows.slice(0, query.limit);
}
