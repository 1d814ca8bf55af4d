// The leaderboard: one row per public succeeded run (built here once, for the API and the page
// alike), optionally with the numbers reported in the paper as rows marked `reported`, never mixed
// silently with measured ones.
import { iso } from "../common/time";
import type { LeaderboardProtocol, LeaderboardRow } from "../contract/leaderboard";
import type { SuiteRecipe } from "../probes/suites";
import type { ScoreMap } from "../probes/suites/suite";
import { DEFAULT_LOSS_LENGTHS } from "../probes/loss/resolve";
import { costUsd } from "./estimate";
import { orderBy, ranksInOrder, type SortValue } from "./leaderboard-order";
import { countProtocols, defaultProtocol, runProtocols, type Protocol } from "./protocol";
import { REPORTED_ROWS, REPORTED_SOURCE } from "./reported";
import { reportedRow } from "./reported-row";
import { REPORTED_RULER_ROWS, rulerReportedRow } from "./reported-ruler";
import { storedModel } from "./run-model";
import { leaderboardRuns } from "./store/runs";
import { INVALIDATING_WARNINGS, runWarnings } from "./warnings";

export { orderBy, ranksInOrder } from "./leaderboard-order";

/** A measured row with what the page draws beside it. */
export interface BoardEntry {
  row: LeaderboardRow;
  /** The first needle suite's means per length (the page's sparkline). */
  needleByLength: Record<string, ScoreMap>;
  /** Prompt tokens the endpoint reported for the run. */
  promptTokens: number;
  /** The run's protocols, the primary one first (see ./protocol.ts). */
  protocols: Protocol[];
}

/** The longest context length any suite tested: a grid's or loss's longest length, book QA's window. */
export function longestLength(recipes: readonly SuiteRecipe[]): number | null {
  const lengths = recipes.flatMap((r) => {
    const recipe = r as { context_lengths?: unknown; window?: unknown };
    if (Array.isArray(recipe.context_lengths)) return recipe.context_lengths.filter((n): n is number => typeof n === "number");
    return typeof recipe.window === "number" ? [recipe.window] : [];
  });
  return lengths.length ? Math.max(...lengths) : null;
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
    const ruler = suites.find((s) => s.type === "ruler")?.ruler?.effective_context_length.ruler;
    const model = storedModel(run);
    const protocols = runProtocols(run.suites);
    const row: LeaderboardRow = {
      run_id: run.id,
      model,
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
      ruler_effective_context_length: ruler?.length ?? null,
      ruler_effective_context_length_interval: ruler ? [ruler.low, ruler.high] : null,
      serving: run.serving ? { engine: run.serving.engine, version: run.serving.version } : null,
      loss_at: loss ? Object.fromEntries(Object.entries(loss.loss_at).map(([length, cell]) => [length, cell.loss])) : null,
      warnings: runWarnings(run, suites).map((w) => w.code),
      finished_at: iso(run.finishedAt),
      protocol: protocols[0]?.id ?? null,
      protocols: protocols.map((p) => p.id),
      rank: null,
      longest_length: longestLength(run.suites),
      prompt_tokens: run.promptTokens,
      cost_usd: costUsd(model, run.promptTokens, run.completionTokens, run.cachedTokens),
    };
    return { row, needleByLength: needle?.by_length ?? {}, promptTokens: run.promptTokens, protocols };
  });
}

/** RULER's README table as rows marked `reported` (beside the paper's on the leaderboard, not in its Table 3). */
export function reportedRulerRows(): LeaderboardRow[] {
  return REPORTED_RULER_ROWS.map(rulerReportedRow);
}

/** The paper's Tables 3–4 as rows marked `reported`. */
export function reportedRows(): LeaderboardRow[] {
  return REPORTED_ROWS.map((r) =>
    reportedRow({ name: r.name, ...(r.contextWindow ? { context_window: r.contextWindow } : {}) }, REPORTED_SOURCE, {
      ...(r.needlePaper !== null ? { needle: { paper: r.needlePaper } } : {}),
      ...(r.bookqaPaperRecall !== null ? { bookqa: { paper_recall: r.bookqaPaperRecall } } : {}),
      ...(r.mmlu !== null ? { mmlu: { micro: r.mmlu } } : {}),
    }),
  );
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
  "ruler.ruler",
  "effective_context_length",
  "nonliteral_effective_context_length",
  "literal_gap",
  "ruler_effective_context_length",
  ...LOSS_SORT_KEYS,
  "tokens_processed",
  "prompt_tokens",
  "cost_usd",
  "longest_length",
  "context_window",
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
  if (key === "ruler_effective_context_length") return row.ruler_effective_context_length ?? null;
  if (key.startsWith("loss@")) return row.loss_at?.[key.slice("loss@".length)] ?? null;
  if (key === "tokens_processed") return row.tokens_processed;
  if (key === "prompt_tokens") return row.prompt_tokens;
  if (key === "cost_usd") return row.cost_usd;
  if (key === "longest_length") return row.longest_length;
  if (key === "context_window") return row.model.context_window ?? null;
  if (key === "finished_at") return row.finished_at;
  const [suite, metric] = key.split(".") as [string, string];
  return row.suites[suite]?.[metric] ?? null;
}

export interface LeaderboardQuery {
  limit: number;
  sort: LeaderboardSortKey;
  dir: "asc" | "desc";
  suite?: "needle" | "bookqa" | "nonliteral" | "loss" | "mmlu" | "ruler";
  series?: string;
  reference?: "only" | "hide";
  min_length?: number;
  group: "run" | "model";
  include?: "reported";
  /** only: hide runs whose lengths are not what they claim (see INVALIDATING_WARNINGS). */
  valid?: "only";
  /** A protocol id (runs that have it), "default" (the paper's needle grid, see defaultProtocol) or "all" (the same as absent). */
  protocol?: string;
}

export interface Leaderboard {
  rows: LeaderboardRow[];
  /** The protocols present after every filter but the protocol, with their run counts. */
  protocols: LeaderboardProtocol[];
  /** The protocol the rows were kept by, or null for all. */
  protocol: string | null;
}

/** Measured rows with the filters that are not about the protocol. */
function filterMeasured(entries: BoardEntry[], query: LeaderboardQuery): BoardEntry[] {
  const invalid = (r: LeaderboardRow) => r.warnings.some((code) => INVALIDATING_WARNINGS.includes(code));
  return entries.filter(
    ({ row: r }) =>
      (query.reference !== "only" || r.reference) &&
      (query.reference !== "hide" || !r.reference) &&
      (query.valid !== "only" || !invalid(r)) &&
      (query.min_length === undefined || (r.effective_context_length ?? -1) >= query.min_length) &&
      (!query.suite || query.suite in r.suites) &&
      (!query.series || r.series === query.series),
  );
}

/** A reported row beside one protocol's runs only when it has a score of that protocol's suite type. */
export function reportedFits(row: LeaderboardRow, protocol: string | null): boolean {
  return protocol === null || protocol.split(":")[0]! in row.suites;
}

/** The protocol a query asks for: an id, the default one, or none (all). */
export function chosenProtocol(asked: string | undefined, counts: readonly LeaderboardProtocol[]): string | null {
  if (asked === undefined || asked === "" || asked === "all") return null;
  return asked === "default" ? defaultProtocol(counts) : asked;
}

/** Rows in the order asked, each with its rank in that order (reported rows take no place). */
export function rankedRows(rows: LeaderboardRow[], sort: LeaderboardSortKey, dir: "asc" | "desc"): LeaderboardRow[] {
  const ordered = orderBy(rows, (r) => rowValue(r, sort), dir);
  const ranks = ranksInOrder(ordered, (r) => rowValue(r, sort), (r) => !r.reported);
  return ordered.map((row, i) => ({ ...row, rank: ranks[i] ?? null }));
}

/** The API's leaderboard: filtered, by protocol if asked, with the reported rows if asked, ordered and ranked, one per model if grouped. */
export async function leaderboardRows(env: Env, query: LeaderboardQuery): Promise<Leaderboard> {
  const measured = filterMeasured(await boardEntries(env), query);
  const protocols = countProtocols(measured.map((e) => e.protocols));
  const protocol = chosenProtocol(query.protocol, protocols);
  let rows = measured.filter((e) => protocol === null || e.row.protocols.includes(protocol)).map((e) => e.row);
  if (query.include === "reported" && query.reference !== "only" && query.min_length === undefined && !query.series) {
    rows.push(...[...reportedRows(), ...reportedRulerRows()].filter((r) => (!query.suite || query.suite in r.suites) && reportedFits(r, protocol)));
  }
  if (query.group === "model") {
    const seen = new Set<string>();
    rows = orderBy(rows, (r) => rowValue(r, query.sort), query.dir).filter((r) => !seen.has(r.model.name) && seen.add(r.model.name) !== undefined);
  }
  return { rows: rankedRows(rows, query.sort, query.dir).slice(0, query.limit), protocols, protocol };
}
