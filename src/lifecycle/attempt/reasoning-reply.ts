// A reasoning model's reply before it is scored (src/probes/reasoning.ts): the outcome carries the
// answer alone, the reasoning is kept for the probe's `reasoning` column, and a reply that ended
// inside its reasoning settles `incomplete` (usage still counted).
import type { PublicModel } from "../../contract/model";
import { incompleteReason, reasoningMode, separateReasoning, type SeparatedReply } from "../../probes/reasoning";
import type { CallOutcome } from "../endpoint/client";
import type { Settlement } from "../store/attempts";

type Ok = Extract<CallOutcome, { kind: "ok" }>;

/**
 * The outcome with its text cut down to the answer, and what was separated. Measure calls (prompt
 * log-probabilities, a first token's top log-probabilities) generate no answer: left as they are.
 */
export function answerOnly(outcome: CallOutcome, model: Pick<PublicModel, "reasoning">): { outcome: CallOutcome; reply: SeparatedReply | null } {
  if (outcome.kind !== "ok" || outcome.promptLogprobs || outcome.topLogprobs) return { outcome, reply: null };
  const reply = separateReasoning({ text: outcome.text, reasoningField: outcome.reasoning ?? null, finishReason: outcome.finishReason }, reasoningMode(model.reasoning));
  return { outcome: { ...outcome, text: reply.answer }, reply };
}

/** A reply that ran out inside its reasoning: not wrong, its own outcome (left out of means). */
export function incompleteSettlement(outcome: Ok, usage: Ok["usage"], reply: SeparatedReply): Settlement {
  return {
    status: "incomplete",
    promptTokens: usage.promptTokens,
    cachedTokens: usage.cachedTokens,
    completionTokens: usage.completionTokens,
    latencyMs: outcome.latencyMs,
    ttftMs: outcome.ttftMs,
    finishReason: outcome.finishReason,
    response: outcome.text,
    error: incompleteReason(reply, outcome.finishReason),
  };
}
