// Every synthetic task, built token-exact in every local tokenizer: within its budget (length −
// tokens_to_generate) and within 1 % of it, counted exactly, its answers in the prompt and found by a
// solver reading the prompt; the same recipe rebuilds the same bytes, another seed other prompts.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { getHaystack, type Haystack } from "../../../../src/probes/needle/haystack";
import { essayCorpus } from "../../../../src/probes/ruler/essay";
import { usesEssay } from "../../../../src/probes/ruler/generate";
import { budgetOf, buildSyntheticProbe, syntheticProbeAnswers, type RulerPlan } from "../../../../src/probes/ruler/probe";
import { SYNTHETIC_TASKS } from "../../../../src/probes/ruler/protocol";
import { scoreRuler } from "../../../../src/probes/ruler/score";
import { loadTokenizer } from "../../../../src/probes/tokenizers";
import { TOKENIZER_NAMES, type BuiltPrompt, type TokenizerName } from "../../../../src/probes/types";
import { solveRuler } from "../../../ruler-oracle";
import { prepareCweWordPool } from "../../../../src/probes/ruler/words";

const essays = new Map<TokenizerName, Haystack>();
const textOf = (prompt: BuiltPrompt) => (prompt.api === "chat" ? prompt.messages[0]!.content : prompt.prompt);

beforeAll(async () => {
  await prepareCweWordPool();
  for (const name of TOKENIZER_NAMES) essays.set(name, getHaystack(await loadTokenizer(name), essayCorpus((await loadBuiltinCorpus("sotu")))));
}, 240_000);

describe("synthetic RULER prompts", () => {
  for (const name of TOKENIZER_NAMES) {
    it(`fit their budget exactly in ${name} at 4K and 16K, and hold their answers`, async () => {
      const tokenizer = await loadTokenizer(name);
      const plan: RulerPlan = { seed: 3, tokenizer: name, api: "completions" };
      for (const contextLength of [4096, 16384]) {
        for (const task of SYNTHETIC_TASKS) {
          const cell = { task, contextLength, sample: 1 };
          const probe = buildSyntheticProbe(plan, cell, usesEssay(task) ? essays.get(name) : undefined);
          const text = textOf(probe.prompt);
          const budget = budgetOf(cell);
          const where = `${task} @ ${contextLength}`;
          expect(tokenizer.encode(text).length, where).toBe(probe.tokens);
          expect(probe.tokens, where).toBeLessThanOrEqual(budget);
          expect(probe.tokens, where).toBeGreaterThanOrEqual(0.99 * budget);
          expect(probe.facts.answers, where).toEqual(syntheticProbeAnswers(plan, cell));
          for (const answer of probe.facts.answers) expect(text, where).toContain(answer);
          expect(scoreRuler(task, solveRuler(text), probe.facts.answers).ruler, where).toBe(1);
        }
      }
    }, 240_000);
  }
});

describe("rebuilding", () => {
  it("gives the same bytes for the same recipe and other prompts for another seed or sample", async () => {
    await loadTokenizer("cl100k_base");
    const essay = essays.get("cl100k_base");
    for (const task of SYNTHETIC_TASKS) {
      const cell = { task, contextLength: 4096, sample: 0 };
      const build = (seed: number, sample = 0) => textOf(buildSyntheticProbe({ seed, tokenizer: "cl100k_base", api: "completions" }, { ...cell, sample }, usesEssay(task) ? essay : undefined).prompt);
      expect(build(0), task).toBe(build(0));
      expect(build(1), task).not.toBe(build(0));
      expect(build(0, 1), task).not.toBe(build(0));
    }
  });

  it("sends chat models the same text as the one user message, answer prefix at its end", async () => {
    await loadTokenizer("cl100k_base");
    const cell = { task: "niah_multivalue" as const, contextLength: 4096, sample: 0 };
    const completions = buildSyntheticProbe({ seed: 0, tokenizer: "cl100k_base", api: "completions" }, cell, essays.get("cl100k_base"));
    const chat = buildSyntheticProbe({ seed: 0, tokenizer: "cl100k_base", api: "chat" }, cell, essays.get("cl100k_base"));
    expect(chat.prompt).toEqual({ api: "chat", messages: [{ role: "user", content: textOf(completions.prompt) }] });
    expect(textOf(chat.prompt).endsWith(`The special magic numbers for ${chat.facts.query} mentioned in the provided text are`)).toBe(true);
  });
});
