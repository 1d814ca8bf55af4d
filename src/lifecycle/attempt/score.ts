// Step 4 of an attempt: the call's outcome as the probe's settlement — scored by its suite, or
// unscorable, or failed — with the token accounting that says whether its length was what it claims.
import { suiteOf, tokenCountMismatch, type BuiltProbe } from "../../probes/suites";
import type { CallOutcome } from "../endpoint/client";
import type { BegunProbe, Settlement } from "../store/attempts";
import type { RunContext } from "./job";

type Ok = Extract<CallOutcome, { kind: "ok" }>;

function answered(outcome: Ok, scores: Record<string, number>): Settlement {
  // A reply cut by max_tokens before any answer says nothing about retrieval: unscorable, not wrong.
  const cutWithoutAnswer = outcome.finishReason === "length" && outcome.text.trim() === "";
  return {
    status: cutWithoutAnswer ? "unscorable" : "scored",
    promptTokens: outcome.usage.promptTokens,
    cachedTokens: outcome.usage.cachedTokens,
    completionTokens: outcome.usage.completionTokens,
    latencyMs: outcome.latencyMs,
    ttftMs: outcome.ttftMs,
    finishReason: outcome.finishReason,
    response: outcome.text,
    scores: cutWithoutAnswer ? null : scores,
    error: cutWithoutAnswer ? "response was cut by max_tokens before any answer" : null,
  };
}

/** The settlement of a probe whose call ended (a retryable outcome here means the attempts ran out). */
export function scoreOutcome(context: RunContext, begun: BegunProbe, built: BuiltProbe, promptSha256: string, outcome: CallOutcome, attempt: number): Settlement {
  const recipe = context.recipes.find((r) => r.index === begun.point.suiteIndex)!;
  const settlement: Settlement =
    outcome.kind === "ok"
      ? answered(outcome, suiteOf(recipe).score(recipe as never, begun.point, outcome.text))
      : outcome.kind === "retry"
        ? { status: "failed", latencyMs: outcome.latencyMs, error: `gave up after ${attempt} attempts; last error: ${outcome.reason}` }
        : { status: outcome.unscorable ? "unscorable" : "failed", latencyMs: outcome.latencyMs, error: outcome.reason };
  const tokenMismatch = outcome.kind === "ok" && tokenCountMismatch(built.prompt, built.expectedPromptTokens, outcome.usage.promptTokens);
  return { ...settlement, constructedTokens: built.constructedTokens, expectedPromptTokens: built.expectedPromptTokens, tokenMismatch, promptSha256 };
}
