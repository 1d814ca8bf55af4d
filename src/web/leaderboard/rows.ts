// The leaderboard page's rows: the domain's rows (src/lifecycle/leaderboard.ts) with what the page
// draws beside them, filtered to one protocol, sorted by a column and ranked in that order.
import type { LeaderboardRow } from "../../contract/leaderboard";
import { reportedFits, type BoardEntry } from "../../lifecycle/leaderboard";
import { orderBy, ranksInOrder } from "../../lifecycle/leaderboard-order";
import { countProtocols, defaultProtocol, type ProtocolCount } from "../../lifecycle/protocol";
import { INVALIDATING_WARNINGS } from "../../lifecycle/warnings";
import { formatK } from "../format";
import { columnsFor, sortColumn } from "./columns";
import type { BoardQuery, BoardRow, Column } from "./types";

export function boardRow(entry: Pick<BoardEntry, "row" | "needleByLength" | "protocols">): BoardRow {
  return {
    row: entry.row,
    id: entry.row.run_id,
    protocolLabels: Object.fromEntries(entry.protocols.map((p) => [p.id, p.label])),
    byLength: Object.entries(entry.needleByLength)
      .map(([length, scores]) => ({ x: Number(length), label: formatK(Number(length)), y: scores.paper ?? null }))
      .sort((a, b) => a.x - b.x),
    rank: null,
  };
}

/** What the page shows: the rows of one protocol (or all), the protocols to choose from, the columns. */
export interface BoardView {
  query: BoardQuery;
  rows: BoardRow[];
  /** Measured runs the reference and validity filters keep, before the protocol and name filters. */
  total: number;
  protocols: ProtocolCount[];
  /** The protocol shown, or null for all of them. */
  protocol: string | null;
  columns: Column[];
  /** Runs ticked for comparison when fewer than two were. */
  compareSelected: number;
}

const invalid = (row: LeaderboardRow) => row.warnings.some((code) => INVALIDATING_WARNINGS.includes(code));

/** Filters, picks the protocol (the paper's needle grid unless asked), sorts and ranks. */
export function viewRows(all: BoardRow[], reported: BoardRow[], query: BoardQuery, compareSelected = 0): BoardView {
  const considered = all.filter(({ row }) => (query.reference === "" || (query.reference === "only" ? row.reference : !row.reference)) && (!query.validOnly || !invalid(row)));
  const protocols = countProtocols(considered.map((r) => r.row.protocols.map((id) => ({ id, label: r.protocolLabels[id] ?? id }))));
  const protocol = query.protocol === "all" ? null : query.protocol || defaultProtocol(protocols);
  const name = query.q.toLowerCase();
  const shownReported = query.includeReported && query.reference !== "only" ? reported.filter((r) => reportedFits(r.row, protocol)) : [];
  const kept = [...considered.filter((r) => protocol === null || r.row.protocols.includes(protocol)), ...shownReported].filter(
    (r) => !name || r.row.model.name.toLowerCase().includes(name),
  );
  const columns = columnsFor(kept);
  const column = sortColumn(query.sort);
  const value = (r: BoardRow) => column.value(r);
  const paper = (r: BoardRow) => r.row.suites.needle?.paper ?? -1;
  const ordered = orderBy(kept, value, query.dir, (a, b) => paper(b) - paper(a) || ((a.id ?? "~") < (b.id ?? "~") ? -1 : 1));
  const ranks = ranksInOrder(ordered, value, (r) => !r.row.reported);
  const rows = ordered.map((r, i) => ({ ...r, rank: ranks[i] ?? null }));
  return { query, rows, total: considered.length, protocols, protocol, columns, compareSelected };
}

/** The protocol a row is shown under: the one the view keeps, else the run's primary one. */
export function shownProtocol(row: BoardRow, protocol: string | null): { id: string; label: string } | null {
  const id = protocol !== null && row.row.protocols.includes(protocol) ? protocol : row.row.protocol;
  return id === null ? null : { id, label: row.protocolLabels[id] ?? id };
}
