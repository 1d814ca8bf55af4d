// Step 4 of an attempt: the call's outcome as the probe's settlement — scored by its suite, or
// unscorable, or failed — with the token accounting that says whether its length was what it claims.
import { suiteOf, tokenCountMismatch, type BuiltProbe } from "../../probes/suites";
import { LogprobAlignmentError } from "../../probes/loss/nll";
import type { CallOutcome } from "../endpoint/client";
import type { BegunProbe, Settlement } from "../store/attempts";
import { promptWasCut } from "../../probes/truncation";
import type { RunContext } from "./job";
import { incompleteReason, type SeparatedReply } from "../../probes/reasoning";
import { answerOnly } from "./reasoning-reply";

type Ok = Extract<CallOutcome, { kind: "ok" }>;
type Usage = Ok["usage"];

/** How many times what we sent (or allowed) a reported count may be before it cannot be true. */
export const PLAUSIBLE_USAGE_FACTOR = 10;

/**
 * The endpoint's usage as far as it can be true: whole numbers from 0 to 10 × the prompt we sent
 * (10 × max_tokens for the completion; cached tokens no more than the prompt's). A number outside
 * (−1e16, 1e308, 2.5) is dropped, not stored, so it never reaches the run's totals or the
 * leaderboard; `dropped` flags the probe.
 */
export function plausibleUsage(usage: Usage, built: BuiltProbe): { usage: Usage; dropped: boolean } {
  const within = (n: number | null, max: number) => (n === null ? null : Number.isInteger(n) && n >= 0 && n <= max ? n : undefined);
  const promptTokens = within(usage.promptTokens, PLAUSIBLE_USAGE_FACTOR * Math.max(1, built.expectedPromptTokens));
  const completionTokens = within(usage.completionTokens, PLAUSIBLE_USAGE_FACTOR * Math.max(1, built.maxTokens));
  const cachedTokens = within(usage.cachedTokens, promptTokens ?? 0);
  const dropped = [promptTokens, completionTokens, cachedTokens].includes(undefined);
  return { usage: { promptTokens: promptTokens ?? null, completionTokens: completionTokens ?? null, cachedTokens: cachedTokens ?? null }, dropped };
}

/** What every settlement of an answered call keeps: its usage, timings, finish reason and text. */
function replyAccount(outcome: Ok, usage: Usage) {
  const { latencyMs, ttftMs, finishReason, text } = outcome;
  return { promptTokens: usage.promptTokens, cachedTokens: usage.cachedTokens, completionTokens: usage.completionTokens, latencyMs, ttftMs, finishReason, response: text };
}

function answered(outcome: Ok, usage: Usage, scores: Record<string, number>): Settlement {
  // A reply cut by max_tokens before any answer says nothing about retrieval: unscorable, not wrong
  // (a loss probe generates nothing: its answer is the prompt's log-probabilities).
  const cutWithoutAnswer = outcome.finishReason === "length" && outcome.text.trim() === "" && !outcome.promptLogprobs && !outcome.topLogprobs;
  return {
    status: cutWithoutAnswer ? "unscorable" : "scored",
    ...replyAccount(outcome, usage),
    scores: cutWithoutAnswer ? null : scores,
    error: cutWithoutAnswer ? "response was cut by max_tokens before any answer" : null,
  };
}

/** A reply whose log-probabilities do not line up with the prompt's tokens is unscorable, with the reason. */
function scoredOrUnscorable(outcome: Ok, usage: Usage, score: () => Record<string, number>): Settlement {
  try {
    return answered(outcome, usage, score());
  } catch (error) {
    if (!(error instanceof LogprobAlignmentError)) throw error;
    return { status: "unscorable", promptTokens: usage.promptTokens, latencyMs: outcome.latencyMs, error: error.message };
  }
}

/** The run's measure of server tokens per local one (see promptWasCut); 1 where the server counts lengths itself. */
export function runTokenRatio(context: RunContext): number | null {
  // Calibrated "endpoint" lengths are estimates themselves: only a gross shortfall counts there.
  if (context.model.tokenizer === "endpoint") return context.run.tokenization?.mode === "calibrated" ? null : 1;
  return context.run.preflight?.token_ratio ?? null;
}

/** A prompt the server cut silently: not a wrong answer, its own outcome (left out of means). */
function truncated(outcome: Ok, usage: Usage, expected: number): Settlement {
  const error = `the server counted ${usage.promptTokens} prompt tokens of the ${expected} sent: it cut the prompt (check num_ctx / max_model_len)`;
  return { status: "truncated", ...replyAccount(outcome, usage), error };
}

/** A reply that ran out inside its reasoning: not wrong, its own outcome (left out of means). */
function incomplete(outcome: Ok, usage: Usage, reply: SeparatedReply): Settlement {
  return { status: "incomplete", ...replyAccount(outcome, usage), error: incompleteReason(reply, outcome.finishReason) };
}

/** An answered call's settlement: cut by the server, ended inside its reasoning, or scored by its suite. */
function answeredSettlement(context: RunContext, begun: BegunProbe, built: BuiltProbe, outcome: Ok, usage: Usage, cut: boolean, reply: SeparatedReply | null): Settlement {
  if (cut) return truncated(outcome, usage, built.expectedPromptTokens);
  if (reply?.incomplete) return incomplete(outcome, usage, reply);
  const recipe = context.recipes.find((r) => r.index === begun.point.suiteIndex)!;
  return scoredOrUnscorable(outcome, usage, () => suiteOf(recipe).score(recipe as never, begun.point, outcome.text, { promptLogprobs: outcome.promptLogprobs, topLogprobs: outcome.topLogprobs }));
}

/** The settlement of a probe whose call ended (a retryable outcome here means the attempts ran out). */
export function scoreOutcome(context: RunContext, begun: BegunProbe, built: BuiltProbe, promptSha256: string, received: CallOutcome, attempt: number): Settlement {
  // A reasoning model's reasoning is set apart: the suite scores the answer alone.
  const { outcome, reply } = answerOnly(received, context.model);
  const { usage, dropped } = outcome.kind === "ok" ? plausibleUsage(outcome.usage, built) : { usage: null, dropped: false };
  const cut = usage !== null && promptWasCut(built.expectedPromptTokens, usage.promptTokens, runTokenRatio(context));
  const settlement: Settlement =
    outcome.kind === "ok"
      ? answeredSettlement(context, begun, built, outcome, usage!, cut, reply)
      : outcome.kind === "retry"
        ? { status: "failed", latencyMs: outcome.latencyMs, error: `gave up after ${attempt} attempts; last error: ${outcome.reason}` }
        : { status: outcome.unscorable ? "unscorable" : "failed", latencyMs: outcome.latencyMs, error: outcome.reason };
  const tokenMismatch = usage !== null && !cut && tokenCountMismatch(built.prompt, built.expectedPromptTokens, usage.promptTokens);
  return { ...settlement, reasoning: reply?.reasoning ?? null, constructedTokens: built.constructedTokens, expectedPromptTokens: built.expectedPromptTokens, tokenMismatch, usageDropped: dropped, promptSha256, facts: built.facts ?? built.rulerFacts ?? null };
}
