import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { buildNeedleProbe, PAPER_CONTEXT_LENGTHS, PAPER_DEPTH_PERCENTS, prepareNeedleProbes } from "../../../../src/probes/needle";
import { SUITES } from "../../../../src/probes/suites";
import type { NeedleRecipe } from "../../../../src/probes/suites/needle";
import { cachedShare } from "../../../../src/reference/prefix-cache";
import { encodeTokens } from "../../../../src/reference/tokens";

const corpus = await loadBuiltinCorpus("sotu");
const recipeOf = (context_lengths: number[], depth_percents: number[]): NeedleRecipe => ({
  type: "needle",
  index: 0,
  corpus: corpus.id,
  corpus_version: corpus.version,
  tokenizer: "cl100k_base",
  api: "completions",
  context_lengths,
  depth_percents,
});
type Cell = { contextLength: number; depthPercent: number };
const cellsOf = (recipe: NeedleRecipe): Cell[] => SUITES.needle.plan(recipe).map((p) => ({ contextLength: p.contextLength!, depthPercent: p.depthPercent! }));

describe("needle dispatch order (prefix-cache-aware)", () => {
  it("plans every cell of the paper grid once, by needle position, deepest first, depth-0 probes last and longest first", () => {
    const cells = cellsOf(recipeOf([...PAPER_CONTEXT_LENGTHS], [...PAPER_DEPTH_PERCENTS]));
    expect(cells).toHaveLength(400);
    expect(new Set(cells.map((c) => `${c.contextLength}/${c.depthPercent}`)).size).toBe(400);
    expect(cells[0]).toEqual({ contextLength: 128000, depthPercent: 100 });
    const positions = cells.map((c) => ((c.contextLength - 200) * c.depthPercent) / 100);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeLessThanOrEqual(positions[i - 1]!);
    const last = cells.slice(-40);
    expect(last.every((c) => c.depthPercent === 0)).toBe(true);
    expect(last.map((c) => c.contextLength)).toEqual([...PAPER_CONTEXT_LENGTHS].reverse());
  });

  describe("through a prefix cache that holds two of the longest prompts", () => {
    const lengths = Array.from({ length: 12 }, (_, i) => 1000 + i * 1000);
    const depths = [...PAPER_DEPTH_PERCENTS];
    const prompts = new Map<string, number[]>();
    let longest = 0;

    beforeAll(async () => {
      await prepareNeedleProbes("cl100k_base", corpus);
      for (const contextLength of lengths) {
        for (const depthPercent of depths) {
          const built = buildNeedleProbe({ tokenizer: "cl100k_base", api: "completions", contextLength, depthPercent }, corpus);
          const ids = encodeTokens(built.prompt.api === "completions" ? built.prompt.prompt : "");
          prompts.set(`${contextLength}/${depthPercent}`, ids);
          longest = Math.max(longest, ids.length);
        }
      }
    });

    const cachedRatio = (order: readonly Cell[]) => cachedShare(order.map((cell) => prompts.get(`${cell.contextLength}/${cell.depthPercent}`)!), 2 * longest);

    it("caches what every probe shares with an earlier one: its text before the needle", () => {
      const ours = cachedRatio(cellsOf(recipeOf(lengths, depths)));
      // Grouped by length, deepest first within each: the longest prefixes are sent again per length.
      const byLength = lengths.flatMap((contextLength) => [...depths].reverse().map((depthPercent) => ({ contextLength, depthPercent })));
      // A fixed shuffle.
      const shuffled = [...byLength];
      let seed = 7;
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const grouped = cachedRatio(byLength);
      const random = cachedRatio(shuffled);
      // Mean depth is 50 %, and depth-0 probes share whole prompts: the bound is a little over 0.5.
      expect(ours).toBeGreaterThan(0.55);
      expect(ours).toBeGreaterThan(grouped + 0.05);
      expect(ours).toBeGreaterThan(random + 0.05);
    });
  });
});
