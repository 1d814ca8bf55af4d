// The probe consumer: rebuild the prompt, call the endpoint, score, settle — once per probe,
// however often its message is delivered. It never throws: every message is acked or retried.
import type { Env } from "../env";
import type { RunRow } from "../db/schema";
import { NeedlePlacementError } from "../probes/needle/haystack";
import { WindowTooSmallError } from "../probes/bookqa/truncate";
import { SuiteSpecError, suiteOf, tokenCountMismatch } from "../probes/suites";
import type { BuiltPrompt } from "../probes/types";
import type { ProbePoint } from "../probes/suites";
import { retryDelaySeconds } from "./backoff";
import { openRunApiKey } from "../accounts/secrets";
import { callEndpoint, type CallOutcome, type Fetcher } from "./endpoint/client";
import { replyCaps } from "./endpoint/bounded-body";
import { loadCorpus, suiteContext } from "../catalog/corpora";
import { prepareEndpointPoint, type EndpointNeedleDeps } from "./endpoint/needle";
import { TokenizeCallError } from "./endpoint/tokenize-route";
import { r2BoundaryStore } from "../catalog/boundary-store";
import { envFlag } from "../env";
import { checkOutboundUrl } from "../security/ssrf";
import { PieceAlignmentError } from "../probes/tokenizers/pieces";
import { sendProbes } from "./dispatch";
import { finalizeRun } from "./finalize";
import { limiterFor, reservationOf, type AcquireRequest, type ReleaseOutcome } from "./limiter/limiter";
import { isProbeMessage, probeMessage, type ProbeMessage } from "./messages";
import { LEASE_MARGIN_MS, leaseMs, storedModel } from "./run-model";
import { beginAttempt, database, getProbe, getRun, holdWaitingProbe, noteRetry, recipesOf, settleProbe, type Settlement, type SettleResult } from "./store";

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

/**
 * Attempts a probe may use, whichever messages carried them (a probe run inline or woken by the
 * limiter arrives in a fresh message): max_retries + 1 of the probe queue in wrangler.toml.
 */
export const PROBE_MAX_ATTEMPTS = 9;

/**
 * Chaining bounds of one consumer invocation. A lane whose probe settled goes straight on with the
 * probe claimed by the freed credit (no queue hand-off), but one invocation stays far inside the
 * limits of a queue consumer: 1,000 D1 queries (a probe costs ~6), its subrequests and 15 min of
 * wall clock (a chained call must be able to run to its timeout before that).
 */
export const INLINE_PROBES_PER_INVOCATION = 100;
export const INLINE_WALL_BUDGET_MS = 12 * 60_000;

/** A probe to process in this invocation: a delivered message, or a probe claimed inline. */
interface ProbeJob {
  runId: string;
  idx: number;
  /** The message's delivery count; 0 for a probe claimed inline. */
  deliveries: number;
  message?: Message<ProbeMessage>;
  /** A probe claimed inline arrives with its endpoint permit held and its attempt begun. */
  ready?: { permit: Permit; begun: { point: ProbePoint; attempts: number } };
}

type Verdict =
  /**
   * Settled, a duplicate, or its run is over. `next`: probes claimed with the freed credit, not sent
   * yet; `inline`: one of them, already holding a permit and begun, for the lane to run itself.
   */
  | { kind: "ack"; next: number[]; inline?: ProbeJob; runActive: boolean }
  | { kind: "retry"; delaySeconds: number }
  /** Refused a permit: the endpoint's limiter re-sends it when one frees. */
  | { kind: "waiting" };

const ACK: Verdict = { kind: "ack", next: [], runActive: false };

type LimiterStub = ReturnType<typeof limiterFor>["stub"];

/** A limiter permit, released once: right after the call, or on any way out of the attempt. */
class Permit {
  private released = false;
  constructor(
    private readonly stub: LimiterStub,
    private readonly id: string,
    private readonly runId: string,
  ) {}

  /** Returns the permit; with `next`, asks in the same call for a permit for the lane's next probe. */
  async release(outcome: ReleaseOutcome, next?: AcquireRequest): Promise<Permit | null> {
    if (this.released) return null;
    this.released = true;
    try {
      const granted = await this.stub.release(this.id, outcome, next);
      return granted?.granted ? new Permit(this.stub, granted.permit, this.runId) : null;
    } catch (error) {
      // The permit lapses on its own (it expires with the call's timeout).
      console.error(JSON.stringify({ event: "limiter.release_error", run_id: this.runId, error: String(error) }));
      return null;
    }
  }
}

function releaseOutcomeOf(outcome: CallOutcome): ReleaseOutcome {
  if (outcome.kind === "ok") return { kind: "ok" };
  if (outcome.kind === "retry" && outcome.throttled) return { kind: "throttled", retryAfterS: outcome.retryAfterS };
  return { kind: "other" };
}

/**
 * This message may have been re-sent by the limiter with a permit reserved for it: give that back
 * now rather than let it block the endpoint until it lapses (releasing an unknown id is a no-op).
 */
async function releaseReservation(env: Env, run: RunRow, idx: number): Promise<void> {
  const model = storedModel(run);
  const limiter = limiterFor(env, model.base_url, model.model);
  await limiter.stub.release(reservationOf(run.id, idx), { kind: "unused" }).catch((error: unknown) => {
    console.error(JSON.stringify({ event: "limiter.release_error", run_id: run.id, error: String(error) }));
  });
}

async function processProbe(job: ProbeJob, env: Env, deps: ConsumerDeps, runs: Map<string, RunRow | undefined>, budget: InlineBudget): Promise<Verdict> {
  const { runId, idx } = job;
  const db = database(env.DB);
  if (!runs.has(runId)) runs.set(runId, await getRun(db, runId));
  const run = runs.get(runId);
  if (!run || (run.status !== "queued" && run.status !== "running")) {
    if (job.ready) await job.ready.permit.release({ kind: "unused" });
    else if (run) await releaseReservation(env, run, idx);
    return ACK; // cancelled or finished
  }
  const model = storedModel(run);
  const limiter = limiterFor(env, model.base_url, model.model);
  let ready = job.ready;
  if (!ready) {
    // The endpoint's limiter first: a probe that must wait has not begun an attempt.
    const grant = await limiter.stub.acquire({ endpoint: limiter.endpoint, runId, idx, ceiling: model.max_concurrency, holdMs: leaseMs(model) });
    if (!grant.granted) {
      await holdWaitingProbe(env.DB, runId, idx, Math.max(Date.now(), grant.retryAt ?? 0) + leaseMs(model));
      return { kind: "waiting" };
    }
    const permit = new Permit(limiter.stub, grant.permit, runId);
    const now = Date.now();
    const begun = await beginAttempt(env.DB, runId, idx, now + leaseMs(model), now).catch(async (error) => {
      await permit.release({ kind: "unused" });
      throw error;
    });
    if (!begun) {
      await permit.release({ kind: "unused" });
      return ACK; // a duplicate delivery: the probe is settled already, or an attempt of it is out
    }
    ready = { permit, begun };
  }
  const { permit } = ready;
  try {
    return await attemptProbe(job, ready.begun, env, deps, run, permit, limiter.endpoint, budget);
  } finally {
    await permit.release({ kind: "unused" }); // a no-op when the call already released it
  }
}

async function attemptProbe(
  job: ProbeJob,
  begun: { point: ProbePoint; attempts: number },
  env: Env,
  deps: ConsumerDeps,
  run: RunRow,
  permit: Permit,
  endpoint: string,
  budget: InlineBudget,
): Promise<Verdict> {
  const { runId, idx } = job;
  const model = storedModel(run);
  const { point } = begun;
  const attempt = Math.max(job.deliveries, begun.attempts);
  const claimNext = () => ({ maxInFlight: model.max_concurrency, leaseUntil: Date.now() + leaseMs(model) });
  // Frees the permit at once (a throttle pauses and narrows the endpoint) and retries the probe later.
  const retryLater = async (release: ReleaseOutcome, retryAfterS: number | null, reason: string): Promise<Verdict> => {
    await permit.release(release);
    const delaySeconds = retryDelaySeconds(attempt, retryAfterS);
    await noteRetry(env.DB, runId, idx, `attempt ${attempt}: ${reason}`, Date.now() + delaySeconds * 1000 + leaseMs(model));
    return { kind: "retry", delaySeconds };
  };

  const recipe = recipesOf(run).find((r) => r.index === point.suiteIndex);
  if (!recipe) throw new Error(`run ${runId} has no suite ${point.suiteIndex}`);
  const suite = suiteOf(recipe);
  const fetcher = run.internalEndpoint ? deps.internalFetcher : (deps.externalFetcher ?? ((r: Request) => fetch(r)));
  // The key is opened for this run's calls only; a key that cannot be opened fails the probe, never retried.
  const key = await openRunApiKey(env, run);
  const endpointTokenized = recipe.type === "needle" && recipe.tokenizer === "endpoint";
  if (!key.ok && endpointTokenized) {
    // Its prompt cannot even be cut without asking the endpoint.
    await permit.release({ kind: "unused" });
    const result = await settleProbe(env.DB, runId, idx, { status: "failed", error: key.reason }, Date.now(), claimNext());
    return settled(env, runId, result, null);
  }
  let built: Awaited<ReturnType<typeof suite.build>>;
  try {
    let buildPoint = point;
    if (recipe.type === "needle" && recipe.tokenizer === "endpoint" && key.ok) {
      // Counted in the endpoint's own tokenizer: fix (or reuse) the probe's cuts first. These calls
      // go to the same endpoint under the permit this probe holds, with its key and timeout.
      const corpus = await loadCorpus(env, recipe.corpus);
      if (!corpus) throw new Error(`corpus ${recipe.corpus} of this run no longer exists`);
      const urlPolicy = { allowLoopback: envFlag(env.ALLOW_LOOPBACK_ENDPOINTS) };
      const tokenizerDeps: EndpointNeedleDeps = {
        fetcher,
        checkUrl: run.internalEndpoint ? undefined : (url) => {
          const verdict = checkOutboundUrl(url, urlPolicy);
          return verdict.ok ? null : verdict.reason;
        },
        target: { baseUrl: model.base_url, model: model.model, apiKey: key.apiKey, timeoutMs: model.request_timeout_s * 1000, ...replyCaps(env) },
        store: r2BoundaryStore(env.BLOBS),
      };
      buildPoint = await prepareEndpointPoint(env, run, idx, recipe, point, corpus, tokenizerDeps, fetcher, model.context_window);
    }
    built = await suite.build(recipe as never, buildPoint, suiteContext(env));
  } catch (error) {
    if (error instanceof TokenizeCallError && error.throttle && attempt < PROBE_MAX_ATTEMPTS) {
      // The endpoint throttled its tokenize route (or a calibration call): handled like a
      // throttled completion.
      return retryLater({ kind: "throttled", retryAfterS: error.throttle.retryAfterS }, error.throttle.retryAfterS, error.message);
    }
    if (!isPermanentBuildError(error)) throw error;
    // The probe science refuses this cell (e.g. no sentence end before a small depth): retrying
    // cannot help, and no endpoint was asked. Settle it now, with the reason.
    await permit.release({ kind: "unused" });
    const settlement: Settlement = { status: "unscorable", error: `the prompt cannot be built: ${(error as Error).message}` };
    const result = await settleProbe(env.DB, runId, idx, settlement, Date.now(), claimNext());
    return settled(env, runId, result, null);
  }
  const promptSha256 = await sha256Hex(promptFingerprintText(built.prompt));
  if (!key.ok) {
    await permit.release({ kind: "unused" });
    const result = await settleProbe(env.DB, runId, idx, { status: "failed", error: key.reason, promptSha256 }, Date.now(), {
      maxInFlight: model.max_concurrency,
      leaseUntil: Date.now() + leaseMs(model),
    });
    return settled(env, runId, result, null);
  }
  const outcome = await callEndpoint(
    { baseUrl: model.base_url, model: model.model, apiKey: key.apiKey, timeoutMs: model.request_timeout_s * 1000, maxReplyBytes: replyCaps(env).maxReplyBytes },
    built.prompt,
    built.maxTokens,
    fetcher,
    { stream: model.stream && !refusesStreaming.has(model.base_url) },
  );
  if (outcome.kind === "ok" && outcome.streamRefused) refusesStreaming.add(model.base_url);

  if (outcome.kind === "retry" && attempt < PROBE_MAX_ATTEMPTS) return retryLater(releaseOutcomeOf(outcome), outcome.retryAfterS, outcome.reason);
  // Free the permit before our own bookkeeping and, if this lane goes on with the run's next probe,
  // ask for that one's permit in the same call; its attempt then begins in the settling transaction.
  const chain = budget.take(run);
  const nextPermit = await permit.release(
    releaseOutcomeOf(outcome),
    chain ? { endpoint, runId, ceiling: model.max_concurrency, holdMs: leaseMs(model) } : undefined,
  );
  const settlement: Settlement =
    outcome.kind === "ok"
      ? settlementOf(outcome, suite.score(recipe as never, point, outcome.text))
      : outcome.kind === "retry"
        ? { status: "failed", latencyMs: outcome.latencyMs, error: `gave up after ${attempt} attempts; last error: ${outcome.reason}` }
        : { status: outcome.unscorable ? "unscorable" : "failed", latencyMs: outcome.latencyMs, error: outcome.reason };
  const tokenMismatch = outcome.kind === "ok" && tokenCountMismatch(built.prompt, built.expectedPromptTokens, outcome.usage.promptTokens);
  const result = await settleProbe(
    env.DB,
    runId,
    idx,
    { ...settlement, constructedTokens: built.constructedTokens, expectedPromptTokens: built.expectedPromptTokens, tokenMismatch, promptSha256 },
    Date.now(),
    { ...claimNext(), beginFirst: nextPermit !== null },
  ).catch(async (error) => {
    await nextPermit?.release({ kind: "unused" });
    throw error;
  });
  return settled(env, runId, result, nextPermit);
}

/**
 * Finishes the run if this was its last probe and hands the freed credit's claims to the lane: the
 * probe begun with `nextPermit`, or else the first claimed one (the lane may take it, or send it).
 */
async function settled(env: Env, runId: string, result: SettleResult, nextPermit: Permit | null): Promise<Verdict> {
  const runActive = result.status === "queued" || result.status === "running";
  if (nextPermit && !result.begun) await nextPermit.release({ kind: "unused" }); // nothing left to claim
  const inline = nextPermit && result.begun ? { runId, idx: result.begun.idx, deliveries: 0, ready: { permit: nextPermit, begun: result.begun } } : undefined;
  const next = await afterSettled(env, runId, result, inline ? 0 : 1);
  return { kind: "ack", next, inline, runActive };
}

/** Errors of the probe science that the same probe will raise on every attempt. */
function isPermanentBuildError(error: unknown): boolean {
  // (TokenizeCallError, an endpoint's tokenize route failing transiently, is not: it is retried.)
  if (error instanceof TokenizeCallError) return false;
  return error instanceof NeedlePlacementError || error instanceof WindowTooSmallError || error instanceof SuiteSpecError || error instanceof PieceAlignmentError;
}

/**
 * A settled probe freed a credit: send the probes claimed with it (all but the first `keep`, which
 * the caller runs itself and gets back), or finish the run.
 */
export async function afterSettled(env: Env, runId: string, result: SettleResult, keep = 0): Promise<number[]> {
  // Claimed probes must be sent even after a duplicate settlement, or they would wait for their lease.
  const kept = result.claimed.slice(0, keep);
  const rest = result.claimed.slice(keep);
  if (rest.length) await sendProbes(env, runId, rest);
  if (result.settled && result.done >= result.total) await finalizeRun(env, runId);
  return kept;
}

/** What one consumer invocation may still run inline. */
class InlineBudget {
  private readonly started = Date.now();
  private used = 0;

  constructor(private readonly probes: number) {}

  take(run: RunRow): boolean {
    // Not for this Worker's own reference models: their calls run in this isolate, and a lane
    // chaining them keeps it so busy that other requests (a status poll) wait until it ends —
    // measured under wrangler dev: a GET stuck for the whole run. Through the queue they interleave.
    if (run.internalEndpoint) return false;
    const model = storedModel(run);
    const fits = Date.now() - this.started + model.request_timeout_s * 1000 <= INLINE_WALL_BUDGET_MS;
    if (!fits || this.used >= this.probes) return false;
    this.used++;
    return true;
  }
}

/**
 * One lane: a delivered probe, then the probes its freed credits claim, inline, while the budget
 * lasts. A batch holds at most 6 messages (max_batch_size), so an invocation runs at most 6 lanes,
 * and a lane waits on one call at a time: never more than the 6 connections a Workers invocation
 * may have waiting for response headers.
 */
async function runLane(first: ProbeJob, env: Env, deps: ConsumerDeps, runs: Map<string, RunRow | undefined>, budget: InlineBudget): Promise<void> {
  let job: ProbeJob | undefined = first;
  while (job) {
    const current: ProbeJob = job;
    job = undefined;
    let verdict: Verdict;
    try {
      verdict = await processProbe(current, env, deps, runs, budget);
    } catch (error) {
      // Our own fault (D1 hiccup, bug): retry with backoff; the DLQ consumer settles it in the end.
      console.error(JSON.stringify({ event: "probe.error", run_id: current.runId, idx: current.idx, error: String(error) }));
      const delaySeconds = retryDelaySeconds(Math.max(1, current.deliveries), null);
      // Record why, and hold the lease through the backoff: otherwise the sweeper re-sends the
      // probe while its retry is pending, and the duplicates push it past max_retries.
      const run = runs.get(current.runId);
      const leaseUntil = Date.now() + delaySeconds * 1000 + (run ? leaseMs(storedModel(run)) : LEASE_MARGIN_MS);
      await noteRetry(env.DB, current.runId, current.idx, `attempt ${Math.max(1, current.deliveries)}: ${String(error)}`, leaseUntil).catch(() => undefined);
      verdict = { kind: "retry", delaySeconds };
    }
    try {
      await settleMessage(current, verdict, env);
    } catch (error) {
      // A lost re-send: the probe's lease runs out and the sweeper re-sends it.
      console.error(JSON.stringify({ event: "probe.resend_error", run_id: current.runId, idx: current.idx, error: String(error) }));
    }
    if (verdict.kind !== "ack") continue;
    if (verdict.inline) {
      job = verdict.inline;
      continue;
    }
    // Claimed without a permit (the probe settled without a call): run it here if the budget
    // allows (acquiring its permit), else hand it to the queue.
    const [claimed] = verdict.next;
    if (claimed === undefined) continue;
    const run = runs.get(current.runId);
    if (verdict.runActive && run && budget.take(run)) job = { runId: current.runId, idx: claimed, deliveries: 0 };
    else await sendProbes(env, current.runId, [claimed]).catch((error) => console.error(JSON.stringify({ event: "probe.send_error", run_id: current.runId, error: String(error) })));
  }
}

/** Acks or retries a delivered message; a probe run inline has no message, so a retry is a new one. */
async function settleMessage(job: ProbeJob, verdict: Verdict, env: Env): Promise<void> {
  if (verdict.kind !== "retry") {
    job.message?.ack();
    return;
  }
  if (job.message) job.message.retry({ delaySeconds: verdict.delaySeconds });
  else await env.PROBES.send(probeMessage(job.runId, job.idx), { delaySeconds: verdict.delaySeconds });
}

export async function consumeProbeBatch(batch: MessageBatch<unknown>, env: Env, deps: ConsumerDeps): Promise<void> {
  const runs = new Map<string, RunRow | undefined>();
  // Chain inline only when nothing else waits in the queue: otherwise the freed credits go back
  // through it, so other runs' probes get their turn (a local queue delivers one batch at a time).
  const backlog = (batch as Partial<MessageBatch<unknown>>).metadata?.metrics?.backlogCount ?? 0;
  const budget = new InlineBudget(backlog > 0 ? 0 : INLINE_PROBES_PER_INVOCATION);
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isProbeMessage(message.body)) {
        console.error(JSON.stringify({ event: "probe.bad_message", id: message.id }));
        message.ack();
        return;
      }
      const { run_id: runId, idx } = message.body;
      await runLane({ runId, idx, deliveries: message.attempts, message: message as Message<ProbeMessage> }, env, deps, runs, budget);
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
