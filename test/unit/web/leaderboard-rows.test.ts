// The leaderboard page's rows: one protocol at a time (the paper's needle grid first), ranked by
// whichever column they are sorted on, with columns only for the suites in view.
import { describe, expect, it } from "vitest";
import type { LeaderboardRow } from "../../../src/contract/leaderboard";
import { leaderboardView } from "../../../src/web/leaderboard";
import { compareHref, parseBoardQuery } from "../../../src/web/leaderboard/query";
import { reportedRows, type BoardEntry } from "../../../src/lifecycle/leaderboard";

const PAPER = { id: "needle:paper:sotu:llama2", label: "needle · paper grid (40 × 10) · sotu · llama2", type: "needle", grid: "paper" };
const QUICK = { id: "needle:quick-32k:sotu:llama2", label: "needle · quick grid to 32K (6 × 5) · sotu · llama2", type: "needle", grid: "quick-32k" };
const BABILONG = { id: "babilong:4L-4k-32k~abc:builtin:llama2", label: "babilong · 4 lengths · builtin · llama2", type: "babilong", grid: "x" };

function entry(id: string, paper: number, tokens: number, protocols = [PAPER], suites: LeaderboardRow["suites"] = {}): BoardEntry {
  // A complete row (every field the contract has) from the domain, then this test's values.
  const row: LeaderboardRow = {
    ...reportedRows()[0]!,
    run_id: id,
    model: { name: `model-${id}`, context_window: 131072 },
    reported: false,
    source: null,
    tokens_processed: tokens,
    suites: { needle: { paper, contains: paper }, ...suites },
    finished_at: "2026-07-01T00:00:00.000Z",
    protocol: protocols[0]!.id,
    protocols: protocols.map((p) => p.id),
    longest_length: 128000,
    prompt_tokens: tokens,
  };
  return { row, needleByLength: {}, promptTokens: tokens, protocols };
}

const entries = [entry("a", 80, 300), entry("b", 91.67, 100), entry("c", 91.67, 200), entry("q1", 50, 10, [QUICK]), entry("q2", 60, 20, [QUICK]), entry("q3", 70, 30, [QUICK]), entry("q4", 65, 40, [QUICK])];
const reported = [{ ...entry("r", 88, 0).row, run_id: null, reported: true, protocol: null, protocols: [], model: { name: "Ours LLaMA-2 7B 80K" } }];
const shown = (params: Record<string, string>) => leaderboardView(entries, reported, params).rows.map((r) => `${r.id ?? "reported"}:${r.rank ?? "-"}`);

describe("the leaderboard page's view", () => {
  it("opens on the paper's needle grid though another protocol has more runs, and lists both with counts", () => {
    const view = leaderboardView(entries, reported, {});
    expect(view.protocol).toBe(PAPER.id);
    expect(view.protocols.map((p) => [p.id, p.runs])).toEqual([
      [QUICK.id, 4],
      [PAPER.id, 3],
    ]);
    expect(view.rows.map((r) => r.id)).toEqual(["b", "c", "a"]);
    expect(leaderboardView(entries, reported, { protocol: QUICK.id }).rows.map((r) => r.id)).toEqual(["q3", "q4", "q2", "q1"]);
    expect(leaderboardView(entries, reported, { protocol: "all" }).rows).toHaveLength(7);
  });

  it("ranks by the sorted column, not by the paper score", () => {
    expect(shown({})).toEqual(["b:1", "c:1", "a:3"]);
    expect(shown({ sort: "tokens", dir: "desc" })).toEqual(["a:1", "c:2", "b:3"]);
    expect(shown({ sort: "tokens", dir: "asc" })).toEqual(["b:1", "c:2", "a:3"]);
    expect(shown({ sort: "paper", dir: "asc" })).toEqual(["a:1", "b:2", "c:2"]);
  });

  it("adds the paper's reported rows only when asked, without a rank, beside the protocols of their suite type", () => {
    expect(shown({ include: "reported" })).toEqual(["b:1", "c:1", "reported:-", "a:3"]);
    expect(shown({ include: "reported", reference: "only" })).toEqual([]);
    const rulerOnly = [{ ...reported[0]!, suites: { ruler: { ruler: 90 } } }];
    expect(leaderboardView(entries, rulerOnly, { include: "reported" }).rows.some((r) => r.row.reported)).toBe(false);
    expect(leaderboardView(entries, rulerOnly, { include: "reported", protocol: "all" }).rows.some((r) => r.row.reported)).toBe(true);
  });

  it("has columns for the suites in view only, and one for a suite type it does not know", () => {
    const keys = (params: Record<string, string>) => leaderboardView(entries, [], params).columns.filter((c) => c.cell).map((c) => c.key);
    expect(keys({})).toEqual(["window", "effective", "longest", "paper", "contains", "tokens", "cost", "engine", "finished"]);
    const withOthers = [...entries, entry("x", 40, 5, [PAPER, BABILONG], { babilong: { qa1: 77.5 }, mmlu: { micro: 40 }, ruler: { ruler: 80 } })];
    const view = leaderboardView(withOthers, [], { sort: "suite:babilong" });
    expect(view.columns.filter((c) => c.cell).map((c) => c.key)).toEqual(["window", "effective", "longest", "paper", "contains", "ruler", "mmlu", "suite:babilong", "tokens", "cost", "engine", "finished"]);
    expect(view.rows.map((r) => `${r.id}:${r.rank ?? "-"}`)).toEqual(["x:1", "b:-", "c:-", "a:-"]);
  });
});

describe("the page's URL", () => {
  it("keeps known sort keys and protocol ids, drops the rest", () => {
    expect(parseBoardQuery({ sort: "vibes", protocol: "<script>" })).toMatchObject({ sort: "paper", dir: "desc", protocol: "" });
    expect(parseBoardQuery({ sort: "gap" })).toMatchObject({ sort: "gap", dir: "asc" });
    expect(parseBoardQuery({ protocol: PAPER.id, include: "reported", valid: "only" })).toMatchObject({ protocol: PAPER.id, includeReported: true, validOnly: true });
  });

  it("sends two or more ticked runs to /compare?runs=A,B", () => {
    expect(compareHref(["run_a", "run_b", "run_a"])).toBe("/compare?runs=run_a,run_b");
    expect(compareHref(["run_a"])).toBeNull();
    expect(compareHref(["run_a", "../x"])).toBeNull();
  });
});
