// The probe consumer: rebuild the prompt, call the endpoint, score, settle — once per probe,
// however often its message is delivered. It never throws: every message is acked or retried.
import type { Env } from "../env";
import type { RunRow } from "../db/schema";
import { NeedlePlacementError } from "../probes/needle/haystack";
import { WindowTooSmallError } from "../probes/bookqa/truncate";
import { SuiteSpecError, suiteOf, tokenCountMismatch } from "../probes/suites";
import type { BuiltPrompt } from "../probes/types";
import { retryDelaySeconds } from "./backoff";
import { callEndpoint, type CallOutcome, type Fetcher } from "./endpoint-client";
import { suiteContext } from "./corpora";
import { sendProbes } from "./dispatch";
import { finalizeRun } from "./finalize";
import { isProbeMessage, type ProbeMessage } from "./messages";
import { LEASE_MARGIN_MS, leaseMs, storedModel } from "./run-model";
import { beginAttempt, database, getProbe, getRun, noteRetry, recipesOf, settleProbe, type Settlement, type SettleResult } from "./store";

export interface ConsumerDeps {
  /** Transport for runs whose endpoint is this Worker's own /reference/v1. */
  internalFetcher: Fetcher;
  /** Transport for everything else. */
  externalFetcher?: Fetcher;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The exact string whose SHA-256 identifies a prompt: the prompt itself, or JSON.stringify(messages). */
export function promptFingerprintText(prompt: BuiltPrompt): string {
  return prompt.api === "chat" ? JSON.stringify(prompt.messages) : prompt.prompt;
}

function settlementOf(outcome: Extract<CallOutcome, { kind: "ok" }>, scores: Record<string, number>): Settlement {
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

// Endpoints that refused `stream: true`; asked without it from then on (per isolate).
const refusesStreaming = new Set<string>();

type Verdict = { ack: true } | { ack: false; delaySeconds: number };

async function processProbe(message: Message<ProbeMessage>, env: Env, deps: ConsumerDeps, runs: Map<string, RunRow | undefined>): Promise<Verdict> {
  const { run_id: runId, idx } = message.body;
  const db = database(env.DB);
  if (!runs.has(runId)) runs.set(runId, await getRun(db, runId));
  const run = runs.get(runId);
  if (!run || (run.status !== "queued" && run.status !== "running")) return { ack: true }; // cancelled or finished
  const model = storedModel(run);
  const now = Date.now();
  const point = await beginAttempt(env.DB, runId, idx, now + leaseMs(model), now);
  if (!point) return { ack: true }; // a duplicate delivery: the probe is settled already

  const recipe = recipesOf(run).find((r) => r.index === point.suiteIndex);
  if (!recipe) throw new Error(`run ${runId} has no suite ${point.suiteIndex}`);
  const suite = suiteOf(recipe);
  let built: Awaited<ReturnType<typeof suite.build>>;
  try {
    built = await suite.build(recipe as never, point, suiteContext(env));
  } catch (error) {
    if (!isPermanentBuildError(error)) throw error;
    // The probe science refuses this cell (e.g. no sentence end before a small depth): retrying
    // cannot help, and no endpoint was asked. Settle it now, with the reason.
    const settlement: Settlement = { status: "unscorable", error: `the prompt cannot be built: ${(error as Error).message}` };
    const result = await settleProbe(env.DB, runId, idx, settlement, Date.now(), { maxInFlight: model.max_concurrency, leaseUntil: Date.now() + leaseMs(model) });
    await afterSettled(env, run.id, result);
    return { ack: true };
  }
  const promptSha256 = await sha256Hex(promptFingerprintText(built.prompt));
  const fetcher = run.internalEndpoint ? deps.internalFetcher : (deps.externalFetcher ?? ((r: Request) => fetch(r)));
  const outcome = await callEndpoint(
    { baseUrl: model.base_url, model: model.model, apiKey: run.apiKey, timeoutMs: model.request_timeout_s * 1000 },
    built.prompt,
    built.maxTokens,
    fetcher,
    { stream: model.stream && !refusesStreaming.has(model.base_url) },
  );
  if (outcome.kind === "ok" && outcome.streamRefused) refusesStreaming.add(model.base_url);

  if (outcome.kind === "retry") {
    const delaySeconds = retryDelaySeconds(message.attempts, outcome.retryAfterS);
    await noteRetry(env.DB, runId, idx, `attempt ${message.attempts}: ${outcome.reason}`, Date.now() + delaySeconds * 1000 + leaseMs(model));
    return { ack: false, delaySeconds };
  }
  const settlement: Settlement =
    outcome.kind === "ok"
      ? settlementOf(outcome, suite.score(recipe as never, point, outcome.text))
      : { status: outcome.unscorable ? "unscorable" : "failed", latencyMs: outcome.latencyMs, error: outcome.reason };
  const tokenMismatch = outcome.kind === "ok" && tokenCountMismatch(built.prompt, built.expectedPromptTokens, outcome.usage.promptTokens);
  const result = await settleProbe(
    env.DB,
    runId,
    idx,
    { ...settlement, constructedTokens: built.constructedTokens, expectedPromptTokens: built.expectedPromptTokens, tokenMismatch, promptSha256 },
    Date.now(),
    { maxInFlight: model.max_concurrency, leaseUntil: Date.now() + leaseMs(model) },
  );
  await afterSettled(env, run.id, result);
  return { ack: true };
}

/** Errors of the probe science that the same probe will raise on every attempt. */
function isPermanentBuildError(error: unknown): boolean {
  return error instanceof NeedlePlacementError || error instanceof WindowTooSmallError || error instanceof SuiteSpecError;
}

/** A settled probe freed a credit: send the probes claimed with it, or finish the run. */
export async function afterSettled(env: Env, runId: string, result: SettleResult): Promise<void> {
  // Claimed probes must be sent even after a duplicate settlement, or they would wait for their lease.
  if (result.claimed.length) await sendProbes(env, runId, result.claimed);
  if (result.settled && result.done >= result.total) await finalizeRun(env, runId);
}

export async function consumeProbeBatch(batch: MessageBatch<unknown>, env: Env, deps: ConsumerDeps): Promise<void> {
  const runs = new Map<string, RunRow | undefined>();
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isProbeMessage(message.body)) {
        console.error(JSON.stringify({ event: "probe.bad_message", id: message.id }));
        message.ack();
        return;
      }
      try {
        const verdict = await processProbe(message as Message<ProbeMessage>, env, deps, runs);
        if (verdict.ack) message.ack();
        else message.retry({ delaySeconds: verdict.delaySeconds });
      } catch (error) {
        // Our own fault (D1 hiccup, bug): retry with backoff; the DLQ consumer settles it in the end.
        console.error(JSON.stringify({ event: "probe.error", run_id: message.body.run_id, idx: message.body.idx, error: String(error) }));
        const delaySeconds = retryDelaySeconds(message.attempts, null);
        // Record why, and hold the lease through the backoff: otherwise the sweeper re-sends the
        // probe while its retry is pending, and the duplicates push it past max_retries.
        const run = runs.get(message.body.run_id);
        const leaseUntil = Date.now() + delaySeconds * 1000 + (run ? leaseMs(storedModel(run)) : LEASE_MARGIN_MS);
        await noteRetry(env.DB, message.body.run_id, message.body.idx, `attempt ${message.attempts}: ${String(error)}`, leaseUntil).catch(() => undefined);
        message.retry({ delaySeconds });
      }
    }),
  );
}

/** Dead letters: probes that exhausted their retries are settled as failed, so every run finishes. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = database(env.DB);
  for (const message of batch.messages) {
    if (!isProbeMessage(message.body)) {
      message.ack();
      continue;
    }
    const { run_id: runId, idx } = message.body;
    try {
      const probe = await getProbe(db, runId, idx);
      const run = await getRun(db, runId);
      if (!probe || !run || probe.status !== "pending") {
        message.ack();
        continue;
      }
      const error = `gave up after ${probe.attempts} attempts; last error: ${probe.error ?? "unknown"}`;
      const model = storedModel(run);
      const result = await settleProbe(env.DB, runId, idx, { status: "failed", error }, Date.now(), {
        maxInFlight: model.max_concurrency,
        leaseUntil: Date.now() + leaseMs(model),
      });
      if (run.status === "queued" || run.status === "running") await afterSettled(env, runId, result);
      message.ack();
    } catch (error) {
      console.error(JSON.stringify({ event: "dead_letter.error", run_id: runId, idx, error: String(error) }));
      message.retry({ delaySeconds: 10 });
    }
  }
}
