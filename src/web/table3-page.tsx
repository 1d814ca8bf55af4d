// "/table3": the paper's Table 3 as a view — Model, Ctx., Needle., MMLU (and BookQA, Table 4) —
// our measured runs beside the numbers the paper reports, the two kinds never mixed silently.
import type { FC } from "hono/jsx";
import type { LeaderboardRow } from "../contract/leaderboard";
import { formatK, formatScore } from "./format";
import { Layout } from "./layout";

export interface Table3Row {
  runId: string | null;
  name: string;
  reported: boolean;
  reference: boolean;
  context: number | null;
  needle: number | null;
  mmlu: number | null;
  bookqa: number | null;
}

/** Measured rows that have a needle or a multiple-choice score, best needle first, then the paper's rows. */
export function table3Rows(measured: readonly LeaderboardRow[], reported: readonly LeaderboardRow[]): Table3Row[] {
  const toRow = (r: LeaderboardRow): Table3Row => ({
    runId: r.run_id,
    name: r.model.name,
    reported: r.reported,
    reference: r.reference,
    context: r.model.context_window ?? null,
    needle: r.suites.needle?.paper ?? null,
    mmlu: r.suites.mmlu?.micro ?? null,
    bookqa: r.suites.bookqa?.paper_recall ?? null,
  });
  const ours = measured.filter((r) => r.suites.needle || r.suites.mmlu).map(toRow);
  ours.sort((a, b) => (b.needle ?? -1) - (a.needle ?? -1) || (b.mmlu ?? -1) - (a.mmlu ?? -1));
  return [...ours, ...reported.map(toRow)];
}

const Row: FC<{ row: Table3Row }> = ({ row }) => (
  <tr data-reported={String(row.reported)}>
    <th scope="row">
      {row.runId ? <a href={`/runs/${row.runId}`}>{row.name}</a> : row.name}{" "}
      {row.reported ? <span class="badge">reported</span> : row.reference ? <span class="badge reference">reference</span> : null}
    </th>
    <td class="num">{row.context === null ? "—" : formatK(row.context)}</td>
    <td class="num">{formatScore(row.needle)}</td>
    <td class="num">{formatScore(row.mmlu)}</td>
    <td class="num">{formatScore(row.bookqa)}</td>
  </tr>
);

export const Table3Page: FC<{ rows: Table3Row[] }> = ({ rows }) => (
  <Layout title="Table 3 view" section="leaderboard">
    <h1>Long context without losing short context</h1>
    <p class="lede">
      The paper's Table 3 claim — better needle retrieval <em>without compromising short-context performance (MMLU)</em> — as a table. Rows marked{" "}
      <span class="badge">reported</span> are the paper's numbers (Tables 3–4; its MMLU shots and harness are not stated), the others are runs measured here:
      Needle. is the mean of the paper's heatmap metric, MMLU our multiple-choice suite's accuracy on the run's dataset (the built-in smoke set is not MMLU),
      BookQA the paper repo's recall on InfiniteBench En.QA.
    </p>
    <table id="table3">
      <caption>Model, context window, Needle. (0–100), MMLU-format accuracy (0–100), BookQA recall (0–100)</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col" class="num">
            Ctx.
          </th>
          <th scope="col" class="num">
            Needle.
          </th>
          <th scope="col" class="num">
            MMLU
          </th>
          <th scope="col" class="num">
            BookQA
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <Row row={row} />
        ))}
      </tbody>
    </table>
  </Layout>
);
