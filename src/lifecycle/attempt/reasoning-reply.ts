// A reasoning model's reply before it is scored (src/probes/reasoning.ts): the outcome carries the
// answer alone and the reasoning is kept for the probe's `reasoning` column (a reply that ended
// inside its reasoning settles `incomplete`: ./score.ts).
import type { PublicModel } from "../../contract/model";
import { reasoningMode, separateReasoning, type SeparatedReply } from "../../probes/reasoning";
import type { CallOutcome } from "../endpoint/client";

/**
 * The outcome with its text cut down to the answer, and what was separated. Measure calls (prompt
 * log-probabilities, a first token's top log-probabilities) generate no answer: left as they are.
 */
export function answerOnly(outcome: CallOutcome, model: Pick<PublicModel, "reasoning">): { outcome: CallOutcome; reply: SeparatedReply | null } {
  if (outcome.kind !== "ok" || outcome.promptLogprobs || outcome.topLogprobs) return { outcome, reply: null };
  const reply = separateReasoning({ text: outcome.text, reasoningField: outcome.reasoning ?? null, finishReason: outcome.finishReason }, reasoningMode(model.reasoning));
  return { outcome: { ...outcome, text: reply.answer }, reply };
}

