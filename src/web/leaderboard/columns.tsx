// The leaderboard's columns: what each sorts by and how its cell reads. A suite's columns show only
// when a row in view has that suite, so a protocol's table carries no empty columns; suite types
// this page does not know yet get a column of their own (their first metric).
import type { Child } from "hono/jsx";
import { Sparkline } from "../charts";
import { formatDate, formatInt, formatK, formatScore, isoDate } from "../format";
import type { BoardRow, Column } from "./types";

const dash = "—";
const k = (n: number | null | undefined) => (typeof n === "number" ? formatK(n) : dash);
const nats = (loss: number | null | undefined) => (typeof loss === "number" ? loss.toFixed(3) : dash);
const score = (r: BoardRow, suite: string, metric: string) => r.row.suites[suite]?.[metric] ?? null;
const finishedMs = (r: BoardRow) => (r.row.finished_at === null ? null : Date.parse(r.row.finished_at));
const engine = (r: BoardRow) => (r.row.serving?.engine ? `${r.row.serving.engine}${r.row.serving.version ? ` ${r.row.serving.version}` : ""}` : null);

export function formatUsd(usd: number | null): string {
  if (usd === null) return dash;
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/** A main value with a smaller second line (an interval, a related figure). */
const Two = (main: Child, sub: Child | null) => (
  <>
    {main}
    {sub === null ? null : <span class="sub">{sub}</span>}
  </>
);

/** "none" when the suite ran and no length passed, a dash when it did not run. */
const lengthOr = (length: number | null, ran: boolean) => (length !== null ? formatK(length) : ran ? "none" : dash);

function effectiveCell(r: BoardRow): Child {
  const interval = r.row.effective_context_length_interval;
  // Reported rows have a needle score but no lengths: the paper gives none.
  const ran = r.row.suites.needle !== undefined && !r.row.reported;
  const spark = r.byLength.length ? <Sparkline id={`spark-${r.id ?? "reported"}`} label={`${r.row.model.name}: paper score by context length`} points={r.byLength} /> : null;
  return (
    <>
      {lengthOr(r.row.effective_context_length, ran)}
      {interval ? <span class="sub" title="95 % bootstrap interval">{`${lengthOr(interval[0], true)}–${lengthOr(interval[1], true)}`}</span> : null}
      {spark ? <span class="sub spark-line">{spark}</span> : null}
    </>
  );
}

function nonliteralCell(r: BoardRow): Child {
  if (r.row.suites.nonliteral === undefined) return dash;
  const length = lengthOr(r.row.nonliteral_effective_context_length, true);
  return Two(formatScore(score(r, "nonliteral", "nonliteral")), `eff. ${length} · gap ${r.row.literal_gap === null ? dash : formatK(r.row.literal_gap)}`);
}

function finishedCell(r: BoardRow): Child {
  const ms = finishedMs(r);
  return ms === null ? dash : (
    <time datetime={isoDate(ms)} title={formatDate(ms)}>
      {formatDate(ms, false).slice(0, 10)}
    </time>
  );
}

/** Every sort key the page knows, table columns in their order and sort-only keys after them. */
export const SORT_COLUMNS: readonly Column[] = [
  { key: "model", label: "Model", firstDir: "asc", numeric: false, value: (r) => r.row.model.name.toLowerCase() },
  { key: "window", label: "Window", title: "The context window the run claims for the model", firstDir: "desc", numeric: true, value: (r) => r.row.model.context_window ?? null, cell: (r) => k(r.row.model.context_window) },
  {
    key: "effective",
    label: "Eff. length",
    title: "Effective context length of the first needle suite: the longest length whose score holds (see the run page), with its 95 % bootstrap interval",
    firstDir: "desc",
    numeric: true,
    value: (r) => r.row.effective_context_length,
    cell: effectiveCell,
  },
  { key: "longest", label: "Longest tested", title: "The longest context length any of the run's suites tested", firstDir: "desc", numeric: true, value: (r) => r.row.longest_length, cell: (r) => k(r.row.longest_length) },
  { key: "paper", label: "Needle (paper)", title: "Needle score on the paper's metric, 0–100 (a perfect answer scores 91.67)", suite: "needle", firstDir: "desc", numeric: true, value: (r) => score(r, "needle", "paper"), cell: (r) => formatScore(score(r, "needle", "paper")) },
  { key: "contains", label: "Needle (contains)", suite: "needle", firstDir: "desc", numeric: true, value: (r) => score(r, "needle", "contains"), cell: (r) => formatScore(score(r, "needle", "contains")) },
  {
    key: "bookqa",
    label: "Book QA",
    title: "InfiniteBench's score; below it the paper's word recall (what Table 4 reports)",
    suite: "bookqa",
    firstDir: "desc",
    numeric: true,
    value: (r) => score(r, "bookqa", "infinitebench"),
    cell: (r) => Two(formatScore(score(r, "bookqa", "infinitebench")), score(r, "bookqa", "paper_recall") === null ? null : `recall ${formatScore(score(r, "bookqa", "paper_recall"))}`),
  },
  {
    key: "nonliteral",
    label: "Non-literal",
    title: "Needles whose question shares no word with them (one and two hops pooled); below: its effective length and the literal gap in tokens (smaller is better)",
    suite: "nonliteral",
    firstDir: "desc",
    numeric: true,
    value: (r) => score(r, "nonliteral", "nonliteral"),
    cell: nonliteralCell,
  },
  {
    key: "ruler",
    label: "RULER",
    title: "RULER average over its tasks and lengths (0–100); below: its effective length by RULER's 85.6 rule",
    suite: "ruler",
    firstDir: "desc",
    numeric: true,
    value: (r) => score(r, "ruler", "ruler"),
    cell: (r) => (r.row.suites.ruler === undefined ? dash : Two(formatScore(score(r, "ruler", "ruler")), `eff. ${lengthOr(r.row.ruler_effective_context_length ?? null, true)}`)),
  },
  { key: "mmlu", label: "MMLU-format", suite: "mmlu", firstDir: "desc", numeric: true, value: (r) => score(r, "mmlu", "micro"), cell: (r) => formatScore(score(r, "mmlu", "micro")) },
  {
    key: "loss32k",
    label: "Loss@32K",
    title: "Mean NLL in nats of 32K-token texts over the loss suite's domains (smaller is better); below: Loss@128K",
    suite: "loss",
    firstDir: "asc",
    numeric: true,
    value: (r) => r.row.loss_at?.["32000"] ?? null,
    cell: (r) => Two(nats(r.row.loss_at?.["32000"]), r.row.loss_at?.["128000"] === undefined ? null : `128K ${nats(r.row.loss_at["128000"])}`),
  },
  { key: "tokens", label: "Prompt tokens", firstDir: "desc", numeric: true, value: (r) => r.row.prompt_tokens, cell: (r) => (r.row.prompt_tokens === null ? dash : formatInt(r.row.prompt_tokens)) },
  { key: "cost", label: "Cost", title: "From the model's prices; a dash without prices", firstDir: "asc", numeric: true, value: (r) => r.row.cost_usd, cell: (r) => formatUsd(r.row.cost_usd) },
  { key: "engine", label: "Engine", firstDir: "asc", numeric: false, value: engine, cell: (r) => engine(r) ?? dash },
  { key: "finished", label: "Finished (UTC)", firstDir: "desc", numeric: false, value: finishedMs, cell: finishedCell },
  // Sort-only: figures shown as a cell's second line.
  { key: "bookqa_recall", label: "Book QA word recall", suite: "bookqa", firstDir: "desc", numeric: true, value: (r) => score(r, "bookqa", "paper_recall") },
  { key: "nonliteral_length", label: "Non-literal eff. length", suite: "nonliteral", firstDir: "desc", numeric: true, value: (r) => r.row.nonliteral_effective_context_length },
  { key: "gap", label: "Literal gap", suite: "nonliteral", firstDir: "asc", numeric: true, value: (r) => r.row.literal_gap },
  { key: "ruler_length", label: "RULER eff. length", suite: "ruler", firstDir: "desc", numeric: true, value: (r) => r.row.ruler_effective_context_length ?? null },
  { key: "loss128k", label: "Loss@128K", suite: "loss", firstDir: "asc", numeric: true, value: (r) => r.row.loss_at?.["128000"] ?? null },
];

const KNOWN_SUITES = new Set(SORT_COLUMNS.flatMap((c) => (c.suite ? [c.suite] : [])));
const OTHER_SUITE = /^suite:([a-z0-9_]{1,40})$/;

/** A suite type this page has no columns for: its first metric (the suite's headline). */
function otherSuiteColumn(type: string): Column {
  const first = (r: BoardRow) => {
    const scores = r.row.suites[type];
    return scores ? (Object.values(scores)[0] ?? null) : null;
  };
  return { key: `suite:${type}`, label: type, title: `The ${type} suite's first metric`, suite: type, firstDir: "desc", numeric: true, value: first, cell: (r) => formatScore(first(r)) };
}

export function isSortKey(key: string | undefined): key is string {
  return key !== undefined && (SORT_COLUMNS.some((c) => c.key === key) || OTHER_SUITE.test(key));
}

export function sortColumn(key: string): Column {
  const other = OTHER_SUITE.exec(key);
  return SORT_COLUMNS.find((c) => c.key === key) ?? (other ? otherSuiteColumn(other[1]!) : SORT_COLUMNS.find((c) => c.key === "paper")!);
}

/** The columns for these rows: the fixed ones, each known suite's when a row has it, then other suites'. */
export function columnsFor(rows: readonly BoardRow[]): Column[] {
  const present = new Set(rows.flatMap((r) => Object.keys(r.row.suites)));
  const fixed = SORT_COLUMNS.filter((c) => !c.suite || present.has(c.suite));
  const others = [...present].filter((type) => !KNOWN_SUITES.has(type)).sort().map(otherSuiteColumn);
  const at = fixed.findIndex((c) => c.key === "tokens");
  return [...fixed.slice(0, at), ...others, ...fixed.slice(at)];
}
