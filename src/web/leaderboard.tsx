// "/": the leaderboard. Runs are compared only within one protocol (suite type, grid or preset,
// corpus, tokenizer family: src/lifecycle/protocol.ts); the page opens on the paper's needle grid and
// a selector lists the protocols present. Sorted and filtered on the server from the URL, so every
// view is a link and works without JavaScript. Its parts live in ./leaderboard/.
import type { FC } from "hono/jsx";
import type { LeaderboardRow } from "../contract/leaderboard";
import type { BoardEntry } from "../lifecycle/leaderboard";
import { Layout } from "./layout";
import { CompareForm, Filters } from "./leaderboard/controls";
import { parseBoardQuery } from "./leaderboard/query";
import { boardRow, viewRows, type BoardView } from "./leaderboard/rows";
import { BoardTable, ReferenceBadge, ReportedBadge } from "./leaderboard/table";

export { compareHref, parseBoardQuery } from "./leaderboard/query";
export { boardRow, viewRows, type BoardView } from "./leaderboard/rows";
export { ReferenceBadge } from "./leaderboard/table";
export type { BoardQuery, BoardRow } from "./leaderboard/types";

/**
 * The page's view from the domain's entries, the paper's reported rows and the URL's parameters;
 * `selected` is how many runs were ticked for comparison (fewer than two: the page says so).
 */
export function leaderboardView(entries: readonly BoardEntry[], reported: readonly LeaderboardRow[], params: Record<string, string | undefined>, selected = 0): BoardView {
  const reportedRows = reported.map((row) => boardRow({ row, needleByLength: {}, protocols: [] }));
  return viewRows(entries.map(boardRow), reportedRows, parseBoardQuery(params), selected);
}

const Explanations: FC = () => (
  <details class="board-notes">
    <summary>What the columns mean</summary>
    <ul>
      <li>
        <strong>Protocol</strong>: the suite type, its grid or preset (with the settings that change the task), its corpus or dataset, and the
        tokenizer its lengths are counted in (a tokenizer's name; runs counted in the endpoint's own tokenizer are a family of their own).
        Runs with different protocols answered different questions, so the table shows one protocol at a time. Its id (as in{" "}
        <code>?protocol=needle:paper:sotu:llama2</code>) is in each row's tooltip.
      </li>
      <li>
        <strong>#</strong> is the rank by the column you sorted on; equal values share a rank. Reported rows take no place.
      </li>
      <li>
        Needle scores are means on a 0–100 scale; a perfect answer scores 91.67 on the paper's metric. The effective length is the longest
        length whose score holds, with its 95 % bootstrap interval; the small curve is the paper score by length.
      </li>
      <li>
        Non-literal: needles whose question shares no word with them (one and two hops pooled); the literal gap is how much further the model
        finds a needle by its words than by inference, in tokens (smaller is better). Loss@L: mean NLL in nats of L-token texts (smaller is
        better).
      </li>
      <li>
        <ReportedBadge source={null} /> rows are the paper's Table 3–4 numbers (<code>?include=reported</code>), never measured here.
      </li>
    </ul>
  </details>
);

const Status: FC<{ view: BoardView }> = ({ view }) => {
  const measured = view.rows.filter((r) => !r.row.reported).length;
  const reported = view.rows.length - measured;
  const label = view.protocol === null ? "all protocols" : (view.protocols.find((p) => p.id === view.protocol)?.label ?? view.protocol);
  return (
    <p class="muted" role="status">
      {`${measured} run${measured === 1 ? "" : "s"}`}
      {reported ? ` and ${reported} reported row${reported === 1 ? "" : "s"}` : ""} of <span data-shown-protocol={view.protocol ?? "all"}>{label}</span>
      {view.protocol === null && view.protocols.length > 1 ? " — rows of different protocols do not compare" : ""}
    </p>
  );
};

const Empty: FC<{ view: BoardView }> = ({ view }) =>
  view.total ? (
    <p>No run of this protocol matches these filters.</p>
  ) : (
    <p>
      No finished public runs yet. Submit one with POST /v1/runs, or run <code>npm run demo</code>.
    </p>
  );

export const LeaderboardPage: FC<{ view: BoardView }> = ({ view }) => (
  <Layout title="Leaderboard" section="leaderboard">
    <h1>Long-context leaderboard</h1>
    <p class="lede">
      Needle-in-a-Haystack retrieval over context lengths and needle depths, needles a keyword search cannot find, long-book QA and
      loss by length, run against each model's own endpoint. Only runs of one protocol are ranked together. Rows marked <ReferenceBadge /> are
      the service's built-in extractive baselines. The paper's Table 3 side by side with measured runs: <a href="/table3">Table 3 view</a>.
    </p>
    <Filters query={view.query} columns={view.columns} protocols={view.protocols} protocol={view.protocol} total={view.total} />
    <Status view={view} />
    {view.rows.length ? (
      <>
        <CompareForm query={view.query} selected={view.compareSelected} />
        <BoardTable rows={view.rows} columns={view.columns} query={view.query} protocol={view.protocol} />
      </>
    ) : (
      <Empty view={view} />
    )}
    <Explanations />
    <p class="muted">
      Machine-readable: <a href={`/v1/leaderboard${view.protocol ? `?protocol=${encodeURIComponent(view.protocol)}` : ""}`}>/v1/leaderboard</a>
    </p>
  </Layout>
);
