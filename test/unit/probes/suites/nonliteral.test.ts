import { describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { promptSha256 } from "../../../../src/probes/prompt-hash";
import { SuiteSpec, SUITES, SuiteSpecError } from "../../../../src/probes/suites";
import type { NonliteralRecipe } from "../../../../src/probes/suites/nonliteral";
import type { ModelTraits, SuiteContext } from "../../../../src/probes/suites/suite";

const context: SuiteContext = {
  loadCorpus: async (id) => (id === "moby-dick" || id === "sotu" ? loadBuiltinCorpus(id) : null),
  loadBookQaDataset: async () => null,
  loadBook: async () => null,
  loadMcDataset: async () => null,
};
const model: ModelTraits = { api: "completions", tokenizer: "cl100k_base", contextWindow: 131072 };
const suite = SUITES.nonliteral;

async function recipeOf(spec: Record<string, unknown>, traits: ModelTraits = model): Promise<NonliteralRecipe> {
  return suite.resolve(suite.spec.parse({ type: "nonliteral", ...spec }), traits, 0, context);
}

async function issuesOf(spec: Record<string, unknown>, traits: ModelTraits = model) {
  try {
    await recipeOf(spec, traits);
  } catch (error) {
    if (error instanceof SuiteSpecError) return error.issues;
    throw error;
  }
  throw new Error("the spec was accepted");
}

describe("the non-literal suite's spec", () => {
  it("defaults to all kinds, no distractors, a coherent moby-dick haystack, 1K–128K doubling within the window × 5 depths", async () => {
    const recipe = await recipeOf({});
    expect(recipe).toMatchObject({ corpus: "moby-dick", kinds: ["literal", "one_hop", "two_hop"], distractors: 0, haystack_order: "coherent", pairs: 2, seed: 0 });
    expect(recipe.context_lengths).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000]);
    expect(recipe.depth_percents).toEqual([0, 25, 50, 75, 100]);
    expect((await recipeOf({}, { ...model, contextWindow: 8192 })).context_lengths).toEqual([1000, 2000, 4000, 8000]);
    expect((await recipeOf({ preset: "quick" }, { ...model, contextWindow: 32000 })).context_lengths).toHaveLength(6);
  });

  it("refuses unknown kinds and distractor counts other than 0, 1 and 4, naming the field", () => {
    const kinds = SuiteSpec.safeParse({ type: "nonliteral", kinds: ["literal", "three_hop"] });
    expect(kinds.success).toBe(false);
    expect(kinds.error!.issues[0]!.path).toEqual(["kinds", 1]);
    const distractors = SuiteSpec.safeParse({ type: "nonliteral", distractors: 2 });
    expect(distractors.error!.issues[0]!.path).toEqual(["distractors"]);
    expect(SuiteSpec.safeParse({ type: "nonliteral", pairs: 0 }).success).toBe(false);
  });

  it("names every bad length, the corpus and the tokenizer at once", async () => {
    const issues = await issuesOf({ context_lengths: [400, 1000, 200000], corpus: "nope" }, { ...model, tokenizer: "endpoint" });
    const paths = issues.map((i) => JSON.stringify(i.path));
    expect(paths).toEqual(expect.arrayContaining(["[]", '["corpus"]', '["context_lengths",2]']));
    expect(issues.find((i) => i.detail.includes("endpoint"))).toBeDefined();
    const short = await issuesOf({ context_lengths: [400, 1000] });
    expect(short).toEqual([expect.objectContaining({ path: ["context_lengths", 0], detail: expect.stringContaining("below this suite's minimum 500") })]);
  });
});

describe("non-literal probes", () => {
  it("plans lengths × depths × kinds × pairs, each cell once", async () => {
    const recipe = await recipeOf({ context_lengths: [1000, 4000], distractors: 1, pairs: 2 });
    const points = suite.plan(recipe);
    expect(points).toHaveLength(2 * 5 * 3 * 2);
    expect(new Set(points.map((p) => `${p.contextLength}/${p.depthPercent}/${p.item}`)).size).toBe(points.length);
  });

  it("build the same prompt every time, token-exact, with their facts, and score on the drawn character", async () => {
    const recipe = await recipeOf({ context_lengths: [2000, 8000], distractors: 4, pairs: 1, seed: 3 });
    for (const point of suite.plan(recipe).slice(0, 12)) {
      const built = await suite.build(recipe, point, context);
      const again = await suite.build(recipe, point, context);
      expect(await promptSha256(again.prompt)).toBe(await promptSha256(built.prompt));
      expect(built.constructedTokens).toBe(point.contextLength! - 200);
      expect(built.expectedPromptTokens).toBeGreaterThan(built.constructedTokens);
      expect(await suite.estimatePromptTokens(recipe, [point])).toBe(built.expectedPromptTokens);
      const facts = built.facts!;
      expect(facts.distractors).toHaveLength(4);
      const text = built.prompt.api === "completions" ? built.prompt.prompt : "";
      expect(text).toContain(facts.needle);
      expect(text).toContain(`Question: ${facts.question}\nAnswer:`);
      for (const d of facts.distractors) expect(text).toContain(d.text);
      expect(suite.score(recipe, point, `It is ${facts.character}.`).contains).toBe(1);
      expect(suite.score(recipe, point, `It is ${facts.distractors[0]!.entity}.`)).toMatchObject({ contains: 0, distracted: 1 });
    }
  });

  it("cut a shuffled haystack from the same sentences in another order", async () => {
    const [coherent, shuffled] = await Promise.all([recipeOf({ context_lengths: [2000] }), recipeOf({ context_lengths: [2000], haystack_order: "shuffled" })]);
    const point = suite.plan(coherent)[0]!;
    const a = await suite.build(coherent, point, context);
    const b = await suite.build(shuffled, point, context);
    expect(a.facts!.needle).toBe(b.facts!.needle);
    expect(await promptSha256(a.prompt)).not.toBe(await promptSha256(b.prompt));
    expect(b.constructedTokens).toBe(a.constructedTokens);
  });

  it("in chat, send a system message and one user message ending in the question", async () => {
    const recipe = await recipeOf({ context_lengths: [1000] }, { ...model, api: "chat" });
    const built = await suite.build(recipe, suite.plan(recipe)[0]!, context);
    expect(built.prompt.api).toBe("chat");
    if (built.prompt.api !== "chat") return;
    expect(built.prompt.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(built.prompt.messages[1]!.content.endsWith(`Question: ${built.facts!.question}`)).toBe(true);
  });

  it("refuse to rebuild from another version of the needle set", async () => {
    const recipe = { ...(await recipeOf({ context_lengths: [1000] })), needle_set_version: "1999-01-01.0" };
    await expect(suite.build(recipe, suite.plan(recipe)[0]!, context)).rejects.toThrow(/needle set changed/);
  });
});
