// The leaderboard page's state, all of it in the URL (?protocol=&sort=&dir=&q=&reference=&valid=&include=),
// so every view is a link and works without JavaScript.
import { isSortKey, sortColumn } from "./columns";
import type { BoardQuery } from "./types";

const PROTOCOL_ID = /^[A-Za-z0-9_.,~:+-]{1,300}$/;

export function parseBoardQuery(params: Record<string, string | undefined>): BoardQuery {
  const sort = isSortKey(params.sort) ? params.sort : "paper";
  const dir = params.dir === "asc" || params.dir === "desc" ? params.dir : sortColumn(sort).firstDir;
  const reference = params.reference === "only" || params.reference === "hide" ? params.reference : "";
  const protocol = params.protocol && PROTOCOL_ID.test(params.protocol) ? params.protocol : "";
  return { sort, dir, q: (params.q ?? "").trim().slice(0, 200), reference, validOnly: params.valid === "only", includeReported: params.include === "reported", protocol };
}

/** The page's URL for this state with some of it changed. */
export function boardHref(query: BoardQuery, change: Partial<BoardQuery> = {}): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.protocol) params.set("protocol", next.protocol);
  params.set("sort", next.sort);
  params.set("dir", next.dir);
  if (next.q) params.set("q", next.q);
  if (next.reference) params.set("reference", next.reference);
  if (next.validOnly) params.set("valid", "only");
  if (next.includeReported) params.set("include", "reported");
  return `/?${params}`;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The compare page takes a handful of runs at a time. */
const MAX_COMPARED = 8;

/**
 * Where "Compare selected" goes: the ticked runs as /compare?runs=A,B. The form is a plain GET to
 * "/" (its checkboxes arrive as repeated ?compare=), so it works without JavaScript; null when fewer
 * than two valid ids were ticked.
 */
export function compareHref(selected: readonly string[]): string | null {
  const ids = [...new Set(selected.filter((id) => RUN_ID.test(id)))].slice(0, MAX_COMPARED);
  return ids.length >= 2 ? `/compare?runs=${ids.join(",")}` : null;
}
