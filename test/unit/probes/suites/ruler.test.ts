import { describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { RulerSpec, rulerSuite, RULER_LENGTHS } from "../../../../src/probes/suites/ruler";
import { SuiteSpecError } from "../../../../src/probes/suites/spec-error";
import type { ModelTraits, SuiteContext } from "../../../../src/probes/suites/suite";

const context: SuiteContext = {
  loadCorpus: async (id) => (id === "sotu" ? loadBuiltinCorpus("sotu") : null),
  loadBookQaDataset: async () => null,
  loadBook: async () => null,
  loadMcDataset: async () => null,
};
const model = (over: Partial<ModelTraits> = {}): ModelTraits => ({ api: "completions", tokenizer: "cl100k_base", contextWindow: 131072, ...over });
const resolve = (spec: Record<string, unknown>, traits = model()) => rulerSuite.resolve(RulerSpec.parse({ type: "ruler", ...spec }), traits, 0, context);

async function issues(spec: Record<string, unknown>, traits = model()): Promise<string[]> {
  try {
    await resolve(spec, traits);
  } catch (error) {
    if (error instanceof SuiteSpecError) return error.issues.map((i) => i.path.join("/"));
    throw error;
  }
  return [];
}

describe("resolving a RULER spec", () => {
  it("defaults to the 11 synthetic tasks at RULER's lengths within the window", async () => {
    const recipe = await resolve({});
    expect(recipe.tasks).toHaveLength(11);
    expect(recipe.context_lengths).toEqual([...RULER_LENGTHS]);
    expect((await resolve({}, model({ contextWindow: 32768 }))).context_lengths).toEqual([4096, 8192, 16384, 32768]);
  });

  it("names every bad field at once", async () => {
    expect(await issues({ context_lengths: [512, 4096, 262144], tasks: ["vt", "qa_2"], corpus: "nope" })).toEqual(["context_lengths/0", "context_lengths/2", "tasks/1", "corpus"]);
    expect(await issues({}, model({ tokenizer: "endpoint" }))).toEqual([""]);
  });

  it("keeps room for a long max_output_tokens within the window", async () => {
    expect(await issues({ context_lengths: [4096, 131072] }, model({ maxOutputTokens: 8192 }))).toEqual(["context_lengths/1"]);
    expect((await resolve({}, model({ maxOutputTokens: 8192 }))).context_lengths.at(-1)).toBe(65536);
  });

  it("plans task × length × sample probes, longest first, and prices each at its budget", async () => {
    const recipe = await resolve({ tasks: ["vt", "cwe"], context_lengths: [4096, 8192], samples: 3 });
    const points = rulerSuite.plan(recipe);
    expect(points).toHaveLength(12);
    expect(points[0]).toMatchObject({ contextLength: 8192, item: 0 });
    expect(points.map((p) => p.item)).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
    expect(rulerSuite.maxTokens(recipe, points[3]!)).toBe(120);
    expect(await rulerSuite.estimatePromptTokens(recipe, points.slice(0, 2))).toBe(2 * (8192 - 30));
  });
});
