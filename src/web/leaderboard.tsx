// "/": the leaderboard. One row per public succeeded run, sorted and filtered on the server from
// the URL (?sort=&dir=&q=&reference=), so every view is a link and works without JavaScript.
import type { RunWarning } from "../contract/run";
import { INVALIDATING_WARNINGS } from "../lifecycle/warnings";
import { WarningBadges } from "./run-warnings";
import type { FC } from "hono/jsx";
import { orderBy, type BoardEntry } from "../lifecycle/leaderboard";
import { Sparkline, type CurvePoint } from "./charts";
import { formatDate, formatInt, formatK, formatScore, isoDate } from "./format";
import { Layout } from "./layout";

export interface BoardRow {
  id: string;
  name: string;
  reference: boolean;
  paper: number | null;
  contains: number | null;
  /** Non-literal suite: one_hop and two_hop pooled, its effective length and the literal gap (tokens). */
  nonliteral: number | null;
  nonliteralLength: number | null;
  gap: number | null;
  /** Loss suite: Loss@32K and Loss@128K over all domains (nats; lower is better). */
  loss32k: number | null;
  loss128k: number | null;
  /** The serving engine and version the endpoint reported ("vllm 0.6.3"), or null. */
  engine: string | null;
  /** Multiple-choice (MMLU-format) accuracy, micro. */
  mmlu: number | null;
  byLength: CurvePoint[];
  tokens: number;
  finishedAt: number | null;
  /** Rank by the paper score; equal scores share a rank. */
  rank: number | null;
  warnings: RunWarning["code"][];
}

export const SORT_KEYS = ["rank", "model", "paper", "contains", "nonliteral", "nonliteral_length", "gap", "mmlu", "loss32k", "loss128k", "tokens", "finished"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

export interface BoardQuery {
  sort: SortKey;
  dir: SortDir;
  q: string;
  reference: "" | "only" | "hide";
  /** Hide runs whose lengths are not what they claim (?valid=only, as the API). */
  validOnly: boolean;
}

/** Direction a column sorts in when first clicked: best / newest / A first. */
// A smaller literal gap is better (the model reads as far as it greps), and so is a smaller loss.
const FIRST_DIR: Record<SortKey, SortDir> = {
  ...{ rank: "asc", model: "asc", paper: "desc", contains: "desc", nonliteral: "desc", nonliteral_length: "desc" },
  ...{ gap: "asc", mmlu: "desc", loss32k: "asc", loss128k: "asc", tokens: "desc", finished: "desc" },
};

export function parseBoardQuery(params: Record<string, string | undefined>): BoardQuery {
  const sort = (SORT_KEYS as readonly string[]).includes(params.sort ?? "") ? (params.sort as SortKey) : "paper";
  const dir = params.dir === "asc" || params.dir === "desc" ? params.dir : FIRST_DIR[sort];
  const reference = params.reference === "only" || params.reference === "hide" ? params.reference : "";
  return { sort, dir, q: (params.q ?? "").trim().slice(0, 200), reference, validOnly: params.valid === "only" };
}

/** The page's view of the leaderboard's rows (src/lifecycle/leaderboard.ts), ranked by the paper score. */
export function boardRows(entries: BoardEntry[]): BoardRow[] {
  const rows = entries.map(({ row, needleByLength, promptTokens }): BoardRow => {
    const needle = row.suites.needle;
    return {
      id: row.run_id!,
      name: row.model.name,
      reference: row.reference,
      paper: needle?.paper ?? null,
      contains: needle?.contains ?? null,
      nonliteral: row.suites.nonliteral?.nonliteral ?? null,
      nonliteralLength: row.nonliteral_effective_context_length,
      gap: row.literal_gap,
      mmlu: row.suites.mmlu?.micro ?? null,
      engine: row.serving?.engine ? `${row.serving.engine}${row.serving.version ? ` ${row.serving.version}` : ""}` : null,
      loss32k: row.loss_at?.["32000"] ?? null,
      loss128k: row.loss_at?.["128000"] ?? null,
      byLength: Object.entries(needleByLength)
        .map(([length, scores]) => ({ x: Number(length), label: formatK(Number(length)), y: scores.paper ?? null }))
        .sort((a, b) => a.x - b.x),
      tokens: promptTokens,
      finishedAt: row.finished_at === null ? null : Date.parse(row.finished_at),
      rank: null,
      warnings: row.warnings,
    };
  });
  const scores = rows.map((r) => r.paper).filter((s): s is number => s !== null);
  for (const row of rows) row.rank = row.paper === null ? null : 1 + scores.filter((s) => s > row.paper!).length;
  return rows;
}

const sortValue = (row: BoardRow, key: SortKey): string | number | null =>
  ({
    rank: row.rank,
    model: row.name.toLowerCase(),
    paper: row.paper,
    contains: row.contains,
    nonliteral: row.nonliteral,
    nonliteral_length: row.nonliteralLength,
    gap: row.gap,
    mmlu: row.mmlu,
    loss32k: row.loss32k,
    loss128k: row.loss128k,
    tokens: row.tokens,
    finished: row.finishedAt,
  })[key];

/** Filters then sorts; missing values always sort last, ties fall back to the paper score, then the id. */
export function viewRows(rows: BoardRow[], query: BoardQuery): BoardRow[] {
  const needle = query.q.toLowerCase();
  const kept = rows.filter(
    (r) =>
      (!needle || r.name.toLowerCase().includes(needle)) &&
      (query.reference === "" || (query.reference === "only" ? r.reference : !r.reference)) &&
      (!query.validOnly || !r.warnings.some((code) => INVALIDATING_WARNINGS.includes(code))),
  );
  return orderBy(kept, (row) => sortValue(row, query.sort), query.dir, (a, b) => (b.paper ?? -1) - (a.paper ?? -1) || (a.id < b.id ? -1 : 1));
}

function boardHref(query: BoardQuery, change: Partial<BoardQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  params.set("sort", next.sort);
  params.set("dir", next.dir);
  if (next.q) params.set("q", next.q);
  if (next.reference) params.set("reference", next.reference);
  if (next.validOnly) params.set("valid", "only");
  return `/?${params}`;
}

const SortHeader: FC<{ query: BoardQuery; column: SortKey; label: string; numeric?: boolean }> = ({ query, column, label, numeric }) => {
  const active = query.sort === column;
  const dir: SortDir = active ? (query.dir === "asc" ? "desc" : "asc") : FIRST_DIR[column];
  return (
    <th scope="col" class={numeric ? "num" : undefined} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
      <a href={boardHref(query, { sort: column, dir })} data-sort={column}>
        {label}
        <span aria-hidden="true">{active ? (query.dir === "asc" ? " ▲" : " ▼") : " ↕"}</span>
        <span class="sr-only">{`, sort ${dir === "asc" ? "ascending" : "descending"}`}</span>
      </a>
    </th>
  );
};

const Filters: FC<{ query: BoardQuery }> = ({ query }) => (
  <form class="filters" method="get" action="/" role="search" aria-label="Filter runs">
    <input type="hidden" name="sort" value={query.sort} />
    <input type="hidden" name="dir" value={query.dir} />
    <div>
      <label for="q">Model name contains</label>
      <input id="q" name="q" type="search" value={query.q} placeholder="e.g. 7b-80k" />
    </div>
    <div>
      <label for="reference">Reference baselines</label>
      <select id="reference" name="reference">
        <option value="" selected={query.reference === ""}>
          show
        </option>
        <option value="only" selected={query.reference === "only"}>
          only
        </option>
        <option value="hide" selected={query.reference === "hide"}>
          hide
        </option>
      </select>
    </div>
    <button type="submit">Apply</button>
    {query.q || query.reference ? <a href={boardHref(query, { q: "", reference: "" })}>Clear filters</a> : null}
  </form>
);

export const ReferenceBadge: FC = () => (
  <span class="badge reference" title="Built-in reference baseline served by this service">
    reference
  </span>
);

const nats = (loss: number | null) => (loss === null ? "—" : loss.toFixed(3));

/** An effective length; "none" when the suite ran but no length passed. */
const lengthOrDash = (length: number | null, score: number | null) => (length !== null ? formatK(length) : score !== null ? "none" : "—");

const BoardRowCells: FC<{ row: BoardRow }> = ({ row }) => (
  <tr data-run-id={row.id}>
    <td class="num">{row.rank ?? "—"}</td>
    <th scope="row" class="model">
      <a href={`/runs/${row.id}`}>{row.name}</a> {row.reference ? <ReferenceBadge /> : null} <WarningBadges codes={row.warnings} />
    </th>
    <td data-col="engine">{row.engine ?? "—"}</td>
    <td class="num" data-col="paper">
      {formatScore(row.paper)}
    </td>
    <td class="num" data-col="contains">
      {formatScore(row.contains)}
    </td>
    <td>
      {row.byLength.length ? <Sparkline id={`spark-${row.id}`} label={`${row.name}: paper score by context length`} points={row.byLength} /> : "—"}
    </td>
    <td class="num" data-col="nonliteral">
      {formatScore(row.nonliteral)}
    </td>
    <td class="num" data-col="nonliteral_length">
      {lengthOrDash(row.nonliteralLength, row.nonliteral)}
    </td>
    <td class="num" data-col="gap">
      {row.gap === null ? "—" : formatK(row.gap)}
    </td>
    <td class="num" data-col="mmlu">
      {formatScore(row.mmlu)}
    </td>
    <td class="num" data-col="loss32k">
      {nats(row.loss32k)}
    </td>
    <td class="num" data-col="loss128k">
      {nats(row.loss128k)}
    </td>
    <td class="num" data-col="tokens">
      {formatInt(row.tokens)}
    </td>
    <td>
      <time datetime={isoDate(row.finishedAt)}>{formatDate(row.finishedAt, false)}</time>
    </td>
    <td>
      <a href={`/runs/${row.id}`} aria-label={`Run ${row.id} of ${row.name}`}>
        details
      </a>
    </td>
  </tr>
);

const BoardTable: FC<{ rows: BoardRow[]; query: BoardQuery }> = ({ rows, query }) => (
  <table id="leaderboard">
    <caption>
      Public runs that succeeded; needle scores are means on a 0–100 scale (a perfect answer scores 91.67 on the paper's metric). Non-literal:
      needles whose question shares no word with them (one and two hops pooled); the literal gap is how much further the model finds a
      needle by its words than by inference, in tokens (smaller is better). Loss@L: mean NLL in nats of L-token texts over the loss suite's
      domains (smaller is better).
    </caption>
    <thead>
      <tr>
        <SortHeader query={query} column="rank" label="#" numeric />
        <SortHeader query={query} column="model" label="Model" />
        <th scope="col">Engine</th>
        <SortHeader query={query} column="paper" label="Needle (paper)" numeric />
        <SortHeader query={query} column="contains" label="Needle (contains)" numeric />
        <th scope="col">By length</th>
        <SortHeader query={query} column="nonliteral" label="Non-literal" numeric />
        <SortHeader query={query} column="nonliteral_length" label="Non-literal eff. length" numeric />
        <SortHeader query={query} column="gap" label="Literal gap" numeric />
        <SortHeader query={query} column="mmlu" label="MMLU-format" numeric />
        <SortHeader query={query} column="loss32k" label="Loss@32K" numeric />
        <SortHeader query={query} column="loss128k" label="Loss@128K" numeric />
        <SortHeader query={query} column="tokens" label="Prompt tokens" numeric />
        <SortHeader query={query} column="finished" label="Finished (UTC)" />
        <th scope="col">
          <span class="sr-only">Run page</span>
        </th>
      </tr>
    </thead>
    <tbody>
      {rows.map((row) => (
        <BoardRowCells row={row} />
      ))}
    </tbody>
  </table>
);

export const LeaderboardPage: FC<{ rows: BoardRow[]; total: number; query: BoardQuery }> = ({ rows, total, query }) => (
  <Layout title="Leaderboard" section="leaderboard">
    <h1>Long-context leaderboard</h1>
    <p class="lede">
      Needle-in-a-Haystack retrieval over context lengths and needle depths, and needles a keyword search cannot find (non-literal), run
      against each model's own endpoint. Rows marked{" "}
      <ReferenceBadge /> are the service's built-in extractive baselines. Click a column header to sort. The paper's Table 3 (needle and MMLU side by side, with its reported rows): <a href="/table3">Table 3 view</a>.
    </p>
    <Filters query={query} />
    <p class="muted" role="status">
      {rows.length === total ? `${total} run${total === 1 ? "" : "s"}` : `${rows.length} of ${total} runs match`}
    </p>
    {rows.length ? (
      <div class="table-scroll">
        <BoardTable rows={rows} query={query} />
      </div>
    ) : (
      <p>
        {total ? "No run matches these filters." : "No finished public runs yet. Submit one with POST /v1/runs, or run "}
        {total ? null : <code>npm run demo</code>}
      </p>
    )}
    <p class="muted">
      Machine-readable: <a href="/v1/leaderboard">/v1/leaderboard</a>
    </p>
  </Layout>
);
