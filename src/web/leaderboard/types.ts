// The leaderboard page's shapes, shared by its modules (./rows.ts, ./columns.tsx, ./query.ts, …).
import type { Child } from "hono/jsx";
import type { LeaderboardRow } from "../../contract/leaderboard";
import type { SortValue } from "../../lifecycle/leaderboard-order";
import type { CurvePoint } from "../charts";

export type SortDir = "asc" | "desc";

export interface BoardRow {
  row: LeaderboardRow;
  /** The run's id, or null for a row reported in the paper. */
  id: string | null;
  /** Protocol id → label for the run's protocols (none for reported rows). */
  protocolLabels: Record<string, string>;
  /** The first needle suite's paper score by length (the sparkline). */
  byLength: CurvePoint[];
  /** Position by the sorted column, ties sharing one; null for reported rows and rows without the value. */
  rank: number | null;
}

export interface BoardQuery {
  /** A column key (see ./columns.tsx); unknown keys fall back to the needle paper score. */
  sort: string;
  dir: SortDir;
  q: string;
  reference: "" | "only" | "hide";
  /** Hide runs whose lengths are not what they claim (?valid=only, as the API). */
  validOnly: boolean;
  /** Add the paper's Table 3/4 rows, marked reported (?include=reported, as the API). */
  includeReported: boolean;
  /** A protocol id, "all", or "" for the default (the paper's needle grid). */
  protocol: string;
}

/** A sortable value of a row, and (for table columns) how its cell is drawn. */
export interface Column {
  key: string;
  label: string;
  /** Direction on the first click: best, newest or A first. */
  firstDir: SortDir;
  numeric: boolean;
  /** Shown only when some row in view has this suite type. */
  suite?: string;
  value(row: BoardRow): SortValue;
  /** Absent: a sort-only key, offered in the "Sort by" list but not a column of its own. */
  cell?(row: BoardRow): Child;
  /** The longer explanation, as the header's title. */
  title?: string;
}
