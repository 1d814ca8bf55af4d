import { describe, expect, it } from "vitest";
import { generatesAnswer, plannedOutputTokens, withOutputBudget } from "../../../../src/probes/suites/output-budget";
import type { BuiltProbe } from "../../../../src/probes/suites";

const built = (over: Partial<BuiltProbe> = {}): BuiltProbe => ({ prompt: { api: "completions", prompt: "p" }, constructedTokens: 1, expectedPromptTokens: 1, maxTokens: 50, ...over });

describe("the output budget of a call", () => {
  it("replaces a generating probe's max_tokens with the model's max_output_tokens", () => {
    expect(withOutputBudget(built(), 2000).maxTokens).toBe(2000);
    expect(withOutputBudget(built({ measure: "choice", choiceScoring: "generate" }), 2000).maxTokens).toBe(2000);
    // auto may fall back to generating an answer.
    expect(withOutputBudget(built({ measure: "choice", choiceScoring: "auto" }), 2000).maxTokens).toBe(2000);
    expect(withOutputBudget(built(), undefined).maxTokens).toBe(50);
  });

  it("keeps log-probability calls at their own budget", () => {
    expect(generatesAnswer({ measure: "prompt_logprobs" })).toBe(false);
    expect(generatesAnswer({ measure: "choice", choiceScoring: "loglikelihood" })).toBe(false);
    expect(withOutputBudget(built({ measure: "prompt_logprobs", maxTokens: 1 }), 2000).maxTokens).toBe(1);
  });

  it("plans the same budgets for estimates", () => {
    expect(plannedOutputTokens({ type: "needle" }, 50, 2000)).toBe(2000);
    expect(plannedOutputTokens({ type: "needle" }, 50, undefined)).toBe(50);
    expect(plannedOutputTokens({ type: "loss" }, 1, 2000)).toBe(1);
    expect(plannedOutputTokens({ type: "mmlu", scoring: "loglikelihood" }, 1, 2000)).toBe(1);
    expect(plannedOutputTokens({ type: "mmlu", scoring: "auto" }, 5, 2000)).toBe(2000);
  });
});
