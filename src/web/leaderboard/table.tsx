// The leaderboard table: a checkbox to compare, the rank in the current order, the model (a link,
// its badges, its protocol and series), then the view's columns. Each cell carries its column's
// name (data-label), which the phone layout shows beside the value, as a card.
import type { FC } from "hono/jsx";
import { WarningBadges } from "../run-warnings";
import { boardHref } from "./query";
import { shownProtocol } from "./rows";
import type { BoardQuery, BoardRow, Column, SortDir } from "./types";

export const ReferenceBadge: FC = () => (
  <span class="badge reference" title="Built-in reference baseline served by this service">
    reference
  </span>
);

export const ReportedBadge: FC<{ source: string | null }> = ({ source }) => (
  <span class="badge reported" title={`Reported in the paper, not measured here${source ? `: ${source}` : ""}`}>
    reported
  </span>
);

const SortHeader: FC<{ query: BoardQuery; column: Column }> = ({ query, column }) => {
  const active = query.sort === column.key;
  const dir: SortDir = active ? (query.dir === "asc" ? "desc" : "asc") : column.firstDir;
  return (
    <th scope="col" class={column.numeric ? "num" : undefined} title={column.title} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
      <a href={boardHref(query, { sort: column.key, dir })} data-sort={column.key}>
        {column.label}
        <span aria-hidden="true">{active ? (query.dir === "asc" ? " ▲" : " ▼") : " ↕"}</span>
        <span class="sr-only">{`, sort ${dir === "asc" ? "ascending" : "descending"}`}</span>
      </a>
    </th>
  );
};

const ModelCell: FC<{ row: BoardRow; protocol: string | null }> = ({ row, protocol }) => {
  const r = row.row;
  const shown = shownProtocol(row, protocol);
  return (
    <th scope="row" class="board-model" data-label="Model">
      {row.id ? (
        <a class="run-link" href={`/runs/${row.id}`} aria-label={`${r.model.name}: run ${row.id}`}>
          {r.model.name}
        </a>
      ) : (
        <span class="run-name">{r.model.name}</span>
      )}{" "}
      {r.reference ? <ReferenceBadge /> : null}
      {r.reported ? <ReportedBadge source={r.source} /> : null}
      <WarningBadges codes={r.warnings} />
      {shown ? (
        <span class="protocol" data-protocol={shown.id} title={shown.id}>
          {shown.label}
        </span>
      ) : r.reported ? (
        <span class="protocol" title={r.source ?? undefined}>
          reported in the paper
        </span>
      ) : null}
      {r.series ? (
        <span class="protocol">
          <a class="series-link" href={`/series/${encodeURIComponent(r.series)}`}>
            series {r.series}
          </a>
          {r.step !== null ? ` · step ${r.step}` : null}
        </span>
      ) : null}
    </th>
  );
};

const BoardRowCells: FC<{ row: BoardRow; columns: Column[]; protocol: string | null }> = ({ row, columns, protocol }) => (
  <tr data-run-id={row.id ?? undefined} data-reported={row.row.reported ? "true" : undefined}>
    <td class="select" data-label="Compare">
      {row.id ? <input type="checkbox" name="compare" value={row.id} form="compare-form" aria-label={`Select ${row.row.model.name} (${row.id}) to compare`} /> : null}
    </td>
    <td class="num rank" data-col="rank" data-label="Rank">
      {row.rank ?? "—"}
    </td>
    <ModelCell row={row} protocol={protocol} />
    {columns.map((column) => {
      const empty = column.value(row) === null;
      return (
        <td class={[column.numeric ? "num" : "", empty ? "empty" : ""].filter(Boolean).join(" ") || undefined} data-col={column.key} data-label={column.label}>
          <span class="cell">{column.cell!(row)}</span>
        </td>
      );
    })}
  </tr>
);

export const BoardTable: FC<{ rows: BoardRow[]; columns: Column[]; query: BoardQuery; protocol: string | null }> = ({ rows, columns, query, protocol }) => {
  const shown = columns.filter((c) => c.cell && c.key !== "model");
  const model = columns.find((c) => c.key === "model")!;
  return (
    <table id="leaderboard" class="board">
      <caption class="sr-only">Leaderboard: one row per run, ranked by the sorted column</caption>
      <thead>
        <tr>
          <th scope="col" class="select">
            <span class="sr-only">Compare</span>
          </th>
          <th scope="col" class="num" title="Rank by the sorted column; equal values share one">
            #
          </th>
          <SortHeader query={query} column={model} />
          {shown.map((column) => (
            <SortHeader query={query} column={column} />
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <BoardRowCells row={row} columns={shown} protocol={protocol} />
        ))}
      </tbody>
    </table>
  );
};
