// The proxy-budget search of endpoint-tokenized RULER probes: on made-up count curves (steps, other
// ratios, noise, nothing that fits) and on real prompts generated in cl100k_base and counted in
// LLaMA-2 as a llama.cpp / vLLM server counts them (with SentencePiece's dummy-prefix space).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { getHaystack, type Haystack } from "../../../../src/probes/needle/haystack";
import { calibratedProxyBudget, calibratedRulerBuild, isRulerEndpointBuild, MAX_PROXY_ROUNDS, routeRulerBuild, searchProxyBudget, SETTLE_SHARE } from "../../../../src/probes/ruler/endpoint-fit";
import { essayCorpus } from "../../../../src/probes/ruler/essay";
import { FitError } from "../../../../src/probes/ruler/fit";
import { usesEssay } from "../../../../src/probes/ruler/generate";
import { budgetOf, buildSyntheticProbe, syntheticProbeAnswers } from "../../../../src/probes/ruler/probe";
import type { SyntheticTask } from "../../../../src/probes/ruler/protocol";
import { loadTokenizer } from "../../../../src/probes/tokenizers";
import type { BuiltPrompt, Tokenizer } from "../../../../src/probes/types";
import { prepareCweWordPool } from "../../../../src/probes/ruler/words";

/**
 * A search over `curve` (a proxy budget's endpoint count), counting how often it was asked; the
 * prompt built at p has `proxyOf(p)` ≤ p proxy tokens (every p by default: haystack units of one token).
 */
async function search(budget: number, curve: (p: number) => number, proxyOf = (p: number) => p) {
  const asked: number[] = [];
  const fit = await searchProxyBudget({ budget, start: budget, countAt: async (p) => (asked.push(p), { proxyTokens: proxyOf(p), endpointTokens: curve(p) }) });
  return { fit, asked };
}

/** The best count that fits among all proxy budgets up to `limit` (what an exhaustive search would find). */
function bestFitting(budget: number, curve: (p: number) => number, limit: number): number {
  let best = -1;
  for (let p = 1; p <= limit; p++) if (curve(p) <= budget) best = Math.max(best, curve(p));
  return best;
}

describe("searchProxyBudget on made-up curves", () => {
  const budget = 3968;
  const settle = Math.floor(SETTLE_SHARE * budget);

  it("lands within the budget and close to it in a few counts, whatever the ratio", async () => {
    for (const ratio of [0.7, 0.93, 1, 1.17, 1.32, 2.4]) {
      const curve = (p: number) => 40 + Math.floor(ratio * p);
      const { fit, asked } = await search(budget, curve);
      expect(fit.tokens, `ratio ${ratio}`).toBeLessThanOrEqual(budget);
      expect(fit.tokens, `ratio ${ratio}`).toBeGreaterThanOrEqual(budget - settle);
      expect(fit.tokens).toBe(curve(fit.proxyBudget));
      expect(asked.length, `ratio ${ratio}: ${asked.join(", ")}`).toBeLessThanOrEqual(3);
      expect(fit.rounds).toBe(asked.length);
    }
  });

  it("on coarse steps (a haystack unit larger than the settling share) keeps the largest step that fits, in few counts", async () => {
    // Noise lines of 27 endpoint tokens, 22 proxy tokens each, after a frame of 250 proxy / 300 endpoint tokens.
    const lines = (p: number) => Math.floor((p - 250) / 22);
    const curve = (p: number) => 300 + 27 * lines(p);
    const { fit, asked } = await search(budget, curve, (p) => 250 + 22 * lines(p));
    expect(fit.tokens).toBe(bestFitting(budget, curve, 2 * budget));
    expect(asked.length).toBeLessThanOrEqual(4);
    expect(fit.tokens).toBeGreaterThanOrEqual(0.99 * budget);
  });

  it("never returns a count over the budget, even where counts do not grow strictly (noise)", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const curve = (p: number) => Math.floor(1.21 * p) + ((p * 7919 * seed) % 37);
      const { fit } = await search(budget, curve);
      expect(fit.tokens).toBeLessThanOrEqual(budget);
      expect(fit.tokens).toBe(curve(fit.proxyBudget));
      expect(fit.tokens).toBeGreaterThanOrEqual(0.99 * budget);
    }
  });

  it("stops after the round cap, keeping the best that fitted", async () => {
    // Fits only below 2000 (a prompt that cannot grow past half its budget): the search halves the
    // bracket above the first fit until the rounds run out, and keeps that fit.
    const curve = (p: number) => (p < 2000 ? p : budget + p);
    const { fit, asked } = await search(budget, curve);
    expect(asked.length).toBe(MAX_PROXY_ROUNDS);
    expect(fit).toMatchObject({ proxyBudget: 1984, tokens: 1984 });
  });

  it("throws FitError when no proxy budget fits", async () => {
    await expect(search(budget, () => budget + 1)).rejects.toBeInstanceOf(FitError);
  });
});

describe("calibrated builds", () => {
  it("map the budget through the ratio, rounding down, and estimate counts with the fitted line", () => {
    const calibration = { ratio: 1.18, intercept: 3.4 };
    const proxyBudget = calibratedProxyBudget(3968, calibration);
    expect(proxyBudget).toBe(Math.floor(3968 / 1.18));
    const build = calibratedRulerBuild(proxyBudget, proxyBudget - 5, calibration);
    expect(build).toEqual({ mode: "calibrated", proxy_budget: proxyBudget, proxy_tokens: proxyBudget - 5, prompt_tokens: Math.round(1.18 * (proxyBudget - 5)), expected_prompt_tokens: Math.round(3.4 + 1.18 * (proxyBudget - 5)) });
    expect(build.prompt_tokens).toBeLessThanOrEqual(3968);
    expect(isRulerEndpointBuild(build)).toBe(true);
    expect(isRulerEndpointBuild({ ...build, proxy_budget: 1.5 })).toBe(false);
    expect(isRulerEndpointBuild({ mode: "route", insert_char: 1, end_char: 2, constructed_tokens: 3, expected_prompt_tokens: 4 })).toBe(false);
  });
});

describe("real prompts: cl100k_base proxy, LLaMA-2 endpoint", () => {
  let llama: Tokenizer;
  let essay: Haystack;
  const textOf = (prompt: BuiltPrompt) => (prompt.api === "chat" ? prompt.messages[0]!.content : prompt.prompt);

  beforeAll(async () => {
    await prepareCweWordPool();
    llama = await loadTokenizer("llama2");
    essay = getHaystack(await loadTokenizer("cl100k_base"), essayCorpus((await loadBuiltinCorpus("sotu"))));
  }, 120_000);

  const plan = { seed: 5, tokenizer: "cl100k_base" as const, api: "completions" as const };
  const tasks: SyntheticTask[] = ["niah_single_1", "niah_single_2", "niah_multikey_2", "vt", "cwe", "fwe"];

  for (const contextLength of [4096, 16384]) {
    it(`fit ${tasks.join(", ")} at ${contextLength} within 1 % of the budget in the endpoint's tokens, answers as the protocol draws them`, async () => {
      const rounds: number[] = [];
      for (const task of tasks) {
        const cell = { task, contextLength, sample: 2 };
        const budget = budgetOf(cell);
        const make = (fitBudget: number) => buildSyntheticProbe(plan, cell, usesEssay(task) ? essay : undefined, { fitBudget });
        const count = (fitBudget: number) => llama.encode(" " + textOf(make(fitBudget).prompt)).length;
        const fit = await searchProxyBudget({ budget, start: budget, countAt: async (p) => ({ proxyTokens: make(p).tokens, endpointTokens: count(p) }) });
        rounds.push(fit.rounds);
        const probe = make(fit.proxyBudget);
        expect(count(fit.proxyBudget), task).toBe(fit.tokens);
        expect(fit.tokens, task).toBeLessThanOrEqual(budget);
        expect(fit.tokens, task).toBeGreaterThanOrEqual(0.99 * budget);
        // The prompt is a fit at another budget, but what it asks is the protocol's at the real one.
        expect(probe.facts.answers, task).toEqual(syntheticProbeAnswers(plan, cell));
        for (const answer of probe.facts.answers) expect(textOf(probe.prompt), task).toContain(answer);
        // The stored build regenerates the same bytes.
        expect(make(fit.proxyBudget).prompt).toEqual(probe.prompt);
        expect(routeRulerBuild(fit, probe.tokens)).toMatchObject({ mode: "route", proxy_budget: fit.proxyBudget, prompt_tokens: fit.tokens, proxy_tokens: probe.tokens });
      }
      console.log(`${contextLength}: route counts per probe ${rounds.join(", ")}`);
      expect(Math.max(...rounds)).toBeLessThanOrEqual(5);
    }, 120_000);
  }

  it("fwe's vocabulary follows the protocol budget, not the proxy's", () => {
    const cell = { task: "fwe" as const, contextLength: 8192, sample: 0 };
    const atBudget = buildSyntheticProbe(plan, cell);
    const atProxy = buildSyntheticProbe(plan, cell, undefined, { fitBudget: Math.round(budgetOf(cell) * 0.8) });
    expect(atProxy.facts.answers).toEqual(atBudget.facts.answers);
    expect(atProxy.tokens).toBeLessThanOrEqual(Math.round(budgetOf(cell) * 0.8));
    expect(atProxy.tokens).toBeLessThan(atBudget.tokens);
  });
});
