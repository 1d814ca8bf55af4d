import { describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { buildSyntheticProbe } from "../../../../src/probes/ruler/probe";
import { EndpointBuildMissingError } from "../../../../src/probes/suites/needle";
import { loadTokenizer } from "../../../../src/probes/tokenizers";
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
  });

  it('takes tokenizer "endpoint": a probe is built in the proxy tokenizer at the proxy budget its first build fixed', async () => {
    const recipe = await resolve({ tasks: ["fwe", "niah_single_2"], context_lengths: [4096] }, model({ tokenizer: "endpoint" }));
    expect(recipe.tokenizer).toBe("endpoint");
    const [fwe, niah] = [rulerSuite.plan(recipe)[0]!, rulerSuite.plan(recipe).at(-1)!];
    await expect(rulerSuite.build(recipe, fwe, context)).rejects.toBeInstanceOf(EndpointBuildMissingError);
    const proxyBudget = 3600;
    await loadTokenizer("cl100k_base");
    const direct = buildSyntheticProbe({ seed: recipe.seed, tokenizer: "cl100k_base", api: "completions" }, { task: "fwe", contextLength: 4096, sample: 0 }, undefined, { fitBudget: proxyBudget });
    const build = { mode: "route" as const, proxy_budget: proxyBudget, proxy_tokens: direct.tokens, prompt_tokens: 4010, expected_prompt_tokens: 4010 };
    const built = await rulerSuite.build(recipe, { ...fwe, build }, context);
    expect(built.prompt).toEqual(direct.prompt);
    expect(built).toMatchObject({ constructedTokens: 4010, expectedPromptTokens: 4010, maxTokens: 50, rulerFacts: { task: "fwe", prompt_tokens: 4010 } });
    // Scored against the answers the prompt holds: the protocol's, whatever the proxy budget.
    expect(rulerSuite.score(recipe, fwe, built.rulerFacts!.answers.join(" "))).toMatchObject({ ruler: 1, fwe: 1 });
    // A rebuild that comes out otherwise (the proxy or a generator changed) is refused, not sent.
    await expect(rulerSuite.build(recipe, { ...fwe, build: { ...build, proxy_tokens: direct.tokens + 1 } }, context)).rejects.toThrow(/not the .* it was sent with/);
    // Essay tasks read the corpus in the proxy's tokens too.
    const essayBuilt = await rulerSuite.build(recipe, { ...niah, build: { ...build, proxy_budget: 3000, proxy_tokens: 0 } }, context).catch((e: Error) => e.message);
    expect(essayBuilt).toMatch(/has \d+ cl100k_base tokens, not the 0/);
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
