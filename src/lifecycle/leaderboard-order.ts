// Ordering and ranking the leaderboard's rows, for the API and the page alike: the rank follows the
// order asked for, so "#1" always means "first by the column you sorted on".
export type SortValue = string | number | null;

/**
 * Orders items by `value` in `dir`; items without a value always come last, and `tieBreak` (if
 * given) orders equal values. Stable: equal items keep their order (newest finished first).
 */
export function orderBy<T>(items: readonly T[], value: (item: T) => SortValue, dir: "asc" | "desc", tieBreak?: (a: T, b: T) => number): T[] {
  const sign = dir === "asc" ? 1 : -1;
  const compare = (x: SortValue, y: SortValue) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : sign * (x < y ? -1 : 1));
  return [...items].sort((a, b) => compare(value(a), value(b)) || (tieBreak?.(a, b) ?? 0));
}

/**
 * Competition ranks ("1, 2, 2, 4") of items already in order: equal values share a rank, the next
 * one skips. Items that are not ranked (`ranked` false: rows reported in the paper) and items
 * without a value get null and take no place.
 */
export function ranksInOrder<T>(ordered: readonly T[], value: (item: T) => SortValue, ranked: (item: T) => boolean = () => true): (number | null)[] {
  let place = 0;
  let previous: { value: SortValue; rank: number } | null = null;
  return ordered.map((item) => {
    const v = value(item);
    if (!ranked(item) || v === null) return null;
    place += 1;
    if (previous === null || previous.value !== v) previous = { value: v, rank: place };
    return previous.rank;
  });
}
