// The completion budget of a probe's call. Suites ask for what a plain model's answer needs (needle
// 50/300 tokens, book QA and non-literal their own, multiple choice by generation a few); a
// reasoning model needs room to think first, so the model's `max_output_tokens` replaces it on every
// call that generates an answer. Calls that read log-probabilities generate one token whatever
// the model: a loss probe's, and a multiple-choice probe's scored by log-likelihood.
import type { BuiltProbe } from "./suite";
import type { SuiteRecipe } from "./index";

/** Whether a built probe's call generates an answer (mmlu `auto` may: it falls back to generating). */
export function generatesAnswer(probe: Pick<BuiltProbe, "measure" | "choiceScoring">): boolean {
  if (probe.measure === "prompt_logprobs") return false;
  return !(probe.measure === "choice" && probe.choiceScoring === "loglikelihood");
}

/** The probe with the model's max_output_tokens as its budget, where it generates an answer. */
export function withOutputBudget(built: BuiltProbe, maxOutputTokens: number | undefined): BuiltProbe {
  if (maxOutputTokens === undefined || !generatesAnswer(built)) return built;
  return { ...built, maxTokens: maxOutputTokens };
}

/** A planned probe's budget for estimates: the suite's (`suiteMaxTokens`), or max_output_tokens where its call generates. */
export function plannedOutputTokens(recipe: Pick<SuiteRecipe, "type"> & { scoring?: string }, suiteMaxTokens: number, maxOutputTokens: number | undefined): number {
  if (maxOutputTokens === undefined || recipe.type === "loss") return suiteMaxTokens;
  if (recipe.type === "mmlu" && recipe.scoring === "loglikelihood") return suiteMaxTokens;
  return maxOutputTokens;
}
