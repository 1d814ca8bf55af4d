// Calls that measure something other than a generated answer: a loss probe's prompt
// log-probabilities, and a multiple-choice answer by log-likelihood (or by generation where the
// endpoint offers no top log-probabilities). What the run's first such probe finds out about the
// endpoint is kept on the run, so later probes ask in the right way at once.
import type { BuiltProbe } from "../../probes/suites";
import type { CallOutcome } from "../endpoint/client";
import { DEFAULT_MAX_LOGPROB_REPLY_BYTES, NO_PROMPT_LOGPROBS, promptLogprobs } from "../endpoint/prompt-logprobs";
import { callTopLogprobs } from "../endpoint/top-logprobs";
import { keepLogprobs, keepMcScoring } from "../store/runs";
import { callForAnswer, runTarget } from "./answer-call";
import type { RunContext } from "./job";

/**
 * A loss probe's call: the prompt's log-probabilities in the form the run's endpoint speaks — found
 * by the first probe that asks, then kept on the run. An endpoint with none fails every loss probe
 * with the reason the first one found, without calling again.
 */
export async function callForLogprobs(env: Env, context: RunContext, built: BuiltProbe, apiKey: string | null): Promise<CallOutcome> {
  const known = context.run.logprobs;
  if (known && known.form === null) return { kind: "fail", reason: known.error, unscorable: false, latencyMs: 0 };
  if (built.prompt.api !== "completions") throw new Error("a loss probe's prompt is raw text");
  const target = { ...runTarget(env, context, apiKey), maxLogprobBytes: logprobCap(env) };
  const outcome = await promptLogprobs(known?.form ?? null, target, built.prompt.prompt, context.fetcher);
  if (!known && (outcome.kind === "ok" || (outcome.kind === "fail" && outcome.reason.startsWith(NO_PROMPT_LOGPROBS)))) {
    context.run.logprobs = await keepLogprobs(env.DB, context.run.id, outcome.kind === "ok" ? { form: outcome.form } : { form: null, error: outcome.reason });
  }
  if (outcome.kind === "unsupported") return { kind: "fail", reason: outcome.reason, unscorable: false, latencyMs: 0 };
  if (outcome.kind !== "ok") return outcome;
  const usage = { promptTokens: outcome.promptTokens ?? outcome.logprobs.length, completionTokens: null, cachedTokens: null };
  return { kind: "ok", text: "", finishReason: null, usage, latencyMs: outcome.latencyMs, ttftMs: null, promptLogprobs: outcome.logprobs };
}

function logprobCap(env: Env): number {
  const value = Number(env.MAX_LOGPROB_REPLY_BYTES);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_LOGPROB_REPLY_BYTES;
}

/**
 * A multiple-choice probe's call. loglikelihood (asked, or found by `auto`): the first generated
 * token's top log-probabilities; `auto` on an endpoint without them decides `generate` for the run
 * (with the reason) and this probe asks for a short answer instead.
 */
export async function callForChoice(env: Env, context: RunContext, built: BuiltProbe, apiKey: string | null): Promise<CallOutcome> {
  const asked = built.choiceScoring ?? "auto";
  const decided = context.run.mcScoring?.mode;
  if (asked === "generate" || (asked === "auto" && decided === "generate")) return callForAnswer(env, context, built, apiKey);
  const outcome = await callTopLogprobs(runTarget(env, context, apiKey), built.prompt, context.fetcher);
  if (outcome.kind === "unsupported") {
    if (asked === "loglikelihood") return { kind: "fail", reason: `scoring "loglikelihood" needs top log-probabilities: ${outcome.reason}`, unscorable: false, latencyMs: 0 };
    context.run.mcScoring = await keepMcScoring(env.DB, context.run.id, { mode: "generate", reason: outcome.reason });
    return callForAnswer(env, context, built, apiKey);
  }
  if (outcome.kind !== "ok") return outcome;
  if (asked === "auto" && !decided) context.run.mcScoring = await keepMcScoring(env.DB, context.run.id, { mode: "loglikelihood" });
  return { kind: "ok", text: outcome.text, finishReason: outcome.finishReason, usage: outcome.usage, latencyMs: outcome.latencyMs, ttftMs: null, topLogprobs: outcome.top };
}
