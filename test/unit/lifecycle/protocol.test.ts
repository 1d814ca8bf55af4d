// Protocols: which runs' numbers compare. Derived from stored recipes: presets by their name, custom
// grids by shape and exact points, tokenizers by name with "endpoint" its own family.
import { describe, expect, it } from "vitest";
import { countProtocols, defaultProtocol, gridName, runProtocols, suiteProtocol } from "../../../src/lifecycle/protocol";
import { KAMRADT_CONTEXT_LENGTHS, KAMRADT_DEPTH_PERCENTS, PAPER_CONTEXT_LENGTHS, PAPER_DEPTH_PERCENTS, quickContextLengths, QUICK_DEPTH_PERCENTS } from "../../../src/probes/needle/grid";
import type { SuiteRecipe } from "../../../src/probes/suites";
import type { NeedleRecipe } from "../../../src/probes/suites/needle";
import type { NonliteralRecipe } from "../../../src/probes/suites/nonliteral";

const needle = (over: Partial<NeedleRecipe> = {}): NeedleRecipe => ({
  type: "needle",
  index: 0,
  corpus: "sotu",
  corpus_version: "v1",
  tokenizer: "llama2",
  api: "completions",
  context_lengths: [...PAPER_CONTEXT_LENGTHS],
  depth_percents: [...PAPER_DEPTH_PERCENTS],
  ...over,
});

const nonliteral = (over: Partial<NonliteralRecipe> = {}): NonliteralRecipe => ({
  type: "nonliteral",
  index: 1,
  corpus: "sotu",
  corpus_version: "v1",
  needle_set_version: "n1",
  tokenizer: "llama2",
  api: "completions",
  context_lengths: [1000, 8000],
  depth_percents: [0, 50, 100],
  kinds: ["literal", "one_hop", "two_hop"],
  distractors: 4,
  haystack_order: "coherent",
  pairs: 2,
  seed: 7,
  ...over,
});

describe("suiteProtocol", () => {
  it("names the paper grid, corpus and tokenizer: needle:paper:sotu:llama2", () => {
    const p = suiteProtocol(needle());
    expect(p.id).toBe("needle:paper:sotu:llama2");
    expect(p.label).toBe("needle · paper grid (40 × 10) · sotu · llama2");
    expect(suiteProtocol(needle({ context_lengths: [...KAMRADT_CONTEXT_LENGTHS].reverse(), depth_percents: [...KAMRADT_DEPTH_PERCENTS] })).id).toBe("needle:kamradt:sotu:llama2");
    expect(suiteProtocol(needle({ context_lengths: quickContextLengths(32768), depth_percents: [...QUICK_DEPTH_PERCENTS] })).id).toBe("needle:quick-32768:sotu:llama2");
  });

  it("tells tokenizers, corpora and the endpoint's own tokenizer apart", () => {
    const ids = [needle(), needle({ tokenizer: "llama3" }), needle({ tokenizer: "endpoint" }), needle({ corpus: "moby-dick" }), needle({ tokenizer: "cl100k_base" }), needle({ tokenizer: "o200k_base" })].map(
      (r) => suiteProtocol(r).id,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[2]).toBe("needle:paper:sotu:endpoint");
    // The corpus's version and the API flavour are not part of it.
    expect(suiteProtocol(needle({ corpus_version: "v2", api: "chat" })).id).toBe(ids[0]);
  });

  it("names a custom grid by its shape and tells two of the same shape apart", () => {
    const a = suiteProtocol(needle({ context_lengths: [1000, 4000, 16000, 32000], depth_percents: [0, 50, 100] }));
    const b = suiteProtocol(needle({ context_lengths: [1000, 8000, 16000, 32000], depth_percents: [0, 50, 100] }));
    expect(a.id).toMatch(/^needle:4x3-1k-32k~[0-9a-z]{7}:sotu:llama2$/);
    expect(b.id).not.toBe(a.id);
    expect(a.label).toBe("needle · 4 lengths 1K–32K × 3 depths · sotu · llama2");
    // Order in the request does not matter.
    expect(suiteProtocol(needle({ context_lengths: [32000, 1000, 16000, 4000], depth_percents: [100, 0, 50] })).id).toBe(a.id);
    expect(gridName([1000], [50]).id).toMatch(/^1x1-1k-1k~/);
  });

  it("keeps the settings that change a non-literal task: distractors, kinds, haystack order", () => {
    const base = suiteProtocol(nonliteral()).id;
    expect(base).toMatch(/^nonliteral:2x3-1k-8k~[0-9a-z]{7},d4:sotu:llama2$/);
    expect(suiteProtocol(nonliteral({ distractors: 0 })).id).not.toBe(base);
    expect(suiteProtocol(nonliteral({ haystack_order: "shuffled" })).id).toContain(",shuffled:");
    expect(suiteProtocol(nonliteral({ kinds: ["two_hop", "one_hop"] })).id).toContain(",one_hop-two_hop,d4:");
    // The draw (pairs, seed) is sampling, not the task.
    expect(suiteProtocol(nonliteral({ pairs: 5, seed: 1 })).id).toBe(base);
  });

  it("derives one for suite types it does not know, from their whole settings", () => {
    const unknown = { type: "futuresuite", index: 0, tokenizer: "llama3", api: "chat", context_lengths: [4000, 8000], tasks: ["niah_single_1"] } as unknown as SuiteRecipe;
    const other = { ...unknown, tasks: ["vt"] } as unknown as SuiteRecipe;
    expect(suiteProtocol(unknown).id).toMatch(/^futuresuite:2L-4k-8k~[0-9a-z]{7}:builtin:llama3$/);
    expect(suiteProtocol(other).id).not.toBe(suiteProtocol(unknown).id);
  });
});

describe("runProtocols", () => {
  it("lists one per suite type, the first needle suite's first", () => {
    const ps = runProtocols([nonliteral({ index: 0 }), needle({ index: 1 }), needle({ index: 2, tokenizer: "llama3" })]);
    expect(ps.map((p) => p.type)).toEqual(["needle", "nonliteral"]);
    expect(ps[0]!.id).toBe("needle:paper:sotu:llama2");
    expect(runProtocols([nonliteral()])[0]!.type).toBe("nonliteral");
    expect(runProtocols([])).toEqual([]);
  });
});

describe("countProtocols and defaultProtocol", () => {
  const custom = runProtocols([needle({ context_lengths: [1000, 2000], depth_percents: [50] })]);
  const paper = runProtocols([needle()]);
  const paper3 = runProtocols([needle({ tokenizer: "llama3" })]);

  it("counts runs per protocol, most first, and lands on the paper grid even when another has more runs", () => {
    const counts = countProtocols([custom, custom, custom, paper, paper3, paper3]);
    expect(counts.map((c) => [c.id, c.runs])).toEqual([
      [custom[0]!.id, 3],
      ["needle:paper:sotu:llama3", 2],
      ["needle:paper:sotu:llama2", 1],
    ]);
    expect(defaultProtocol(counts)).toBe("needle:paper:sotu:llama3");
    expect(defaultProtocol(countProtocols([custom]))).toBe(custom[0]!.id);
    expect(defaultProtocol([])).toBeNull();
  });

  it("without a paper grid, lands on a needle protocol before another suite's with as many runs", () => {
    const both = runProtocols([needle({ context_lengths: [1000, 2000], depth_percents: [50] }), { ...nonliteral(), type: "nonliteral" }]);
    const bookOnly = [{ id: "bookqa:qa,w4k,n2:moby-dick-qa:cl100k_base", label: "bookqa" }];
    const counts = countProtocols([both, both, bookOnly, bookOnly]);
    expect(counts.map((c) => c.id.split(":")[0])).toEqual(["needle", "bookqa", "nonliteral"]);
    expect(defaultProtocol(counts)).toBe(both[0]!.id);
    expect(defaultProtocol(countProtocols([bookOnly, bookOnly, both]))).toBe(both[0]!.id);
  });
});
