// The leaderboard's order and rank: the rank follows whatever the rows are sorted by.
import { describe, expect, it } from "vitest";
import { orderBy, ranksInOrder } from "../../../src/lifecycle/leaderboard-order";

interface Item {
  name: string;
  score: number | null;
  gap: number | null;
  reported?: boolean;
}

const items: Item[] = [
  { name: "a", score: 91.7, gap: 32000 },
  { name: "b", score: 60, gap: 0 },
  { name: "c", score: 91.7, gap: 8000 },
  { name: "d", score: null, gap: 16000 },
  { name: "paper", score: 88, gap: null, reported: true },
];

const ranked = (sorted: Item[], value: (i: Item) => number | null) => {
  const ranks = ranksInOrder(sorted, value, (i) => !i.reported);
  return sorted.map((i, n) => `${i.name}:${ranks[n] ?? "-"}`);
};

describe("ranksInOrder", () => {
  it("ranks by the sorted column: ties share a place, the next skips, missing values and reported rows take none", () => {
    const byScore = orderBy(items, (i) => i.score, "desc");
    expect(ranked(byScore, (i) => i.score)).toEqual(["a:1", "c:1", "paper:-", "b:3", "d:-"]);
    const byGap = orderBy(items, (i) => i.gap, "asc");
    expect(ranked(byGap, (i) => i.gap)).toEqual(["b:1", "c:2", "d:3", "a:4", "paper:-"]);
    // Flipping the direction flips the ranks: #1 is the first row shown.
    const worstFirst = orderBy(items, (i) => i.score, "asc");
    expect(ranked(worstFirst, (i) => i.score)).toEqual(["b:1", "paper:-", "a:2", "c:2", "d:-"]);
  });

  it("ranks text columns too", () => {
    const byName = orderBy(items, (i) => i.name, "desc");
    expect(ranksInOrder(byName, (i) => i.name)).toEqual([1, 2, 3, 4, 5]);
  });
});
