// The webhook consumer: one queue message = one attempt of one delivery. It claims the attempt in
// D1 (so a delivery is never sent twice at once), signs it, POSTs it without following redirects and
// with a timeout, logs the attempt and schedules the next one. It never throws: messages are acked.
import type { Env } from "../../env";
import { envNumber, outboundGuard } from "../../env";
import type { OutboundGuard } from "../../security/resolved";
import { openSecret, SecretOpenError } from "../../security/secrets";
import { FETCH_SAFETY } from "../../security/ssrf";
import { parseRetryAfter } from "../endpoint/client";
import { isWebhookMessage, webhookMessage, type WebhookMessage } from "./messages";
import { nextDelayMs, parseRetrySchedule } from "./schedule";
import { signedHeaders } from "./sign";
import { claimAttempt, finishAttempt, getDelivery, randomId, settleWithoutAttempt, type AttemptResult } from "./store";

export type Fetcher = (request: Request) => Promise<Response>;

export interface WebhookDeps {
  fetcher?: Fetcher;
  random?: () => number;
  /** The SSRF guard checking the URL before each attempt (default: outboundGuard(env)). */
  guard?: OutboundGuard;
}

export const DEFAULT_TIMEOUT_S = 15;
/** A claim outlives the request timeout by this much before the sweeper may hand the attempt out again. */
export const CLAIM_MARGIN_MS = 30_000;
const EXCERPT_CHARS = 300;
const USER_AGENT = "ctxprobe-webhooks/1";

export function webhookSecretContext(runId: string): string {
  return `run:${runId}:webhook_secret`;
}

export type AttemptOutcome = "stale" | "early" | "succeeded" | "retrying" | "failed" | "gone" | "disabled";

/** Sends the message for attempt `attempt`, `delayMs` from now (Queues take whole seconds, up to 12 h). */
export async function enqueueAttempt(env: Env, deliveryId: string, attempt: number, delayMs: number): Promise<void> {
  const delaySeconds = Math.min(43_200, Math.max(0, Math.ceil(delayMs / 1000)));
  await env.WEBHOOKS.send(webhookMessage(deliveryId, attempt), delaySeconds ? { delaySeconds } : undefined);
}

async function excerptOf(response: Response): Promise<string> {
  // Read at most a few hundred characters: a receiver's answer is for debugging, not for storage.
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // a body cut short still leaves what was read
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, EXCERPT_CHARS);
}

interface SendResult {
  outcome: "succeeded" | "failed" | "gone";
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  retryAfterS: number | null;
}

async function send(fetcher: Fetcher, url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult> {
  let response: Response;
  try {
    response = await fetcher(
      new Request(url, { method: "POST", headers, body, ...FETCH_SAFETY, signal: AbortSignal.timeout(timeoutMs) }),
    );
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { outcome: "failed", httpStatus: null, error: timedOut ? `no answer within ${timeoutMs / 1000} s` : `network error: ${String(error)}`, responseExcerpt: null, retryAfterS: null };
  }
  const excerpt = await excerptOf(response);
  const status = response.status;
  if (status >= 200 && status < 300) return { outcome: "succeeded", httpStatus: status, error: null, responseExcerpt: excerpt, retryAfterS: null };
  if (status === 410) return { outcome: "gone", httpStatus: status, error: "410 Gone: the receiver asked for no further deliveries", responseExcerpt: excerpt, retryAfterS: null };
  const error =
    status >= 300 && status < 400
      ? `HTTP ${status}: redirects are not followed (to ${response.headers.get("location") ?? "?"}); update the webhook URL`
      : `HTTP ${status}`;
  return { outcome: "failed", httpStatus: status, error, responseExcerpt: excerpt, retryAfterS: parseRetryAfter(response.headers.get("retry-after")) };
}

type Delivery = NonNullable<Awaited<ReturnType<typeof getDelivery>>>;
interface WebhookRun {
  webhook_url: string;
  webhook_secret: string;
  webhook_status: string | null;
}
/** Everything an attempt that is due needs; the URL check's failure, if retryable, becomes the attempt's error. */
interface DueAttempt {
  delivery: Delivery;
  run: WebhookRun;
  schedule: number[];
  secret: string;
  urlError: string | null;
}

/** The checks before an attempt: an outcome when none is to be made, else what the attempt needs. */
async function dueAttempt(env: Env, message: WebhookMessage, deps: WebhookDeps, now: number): Promise<DueAttempt | AttemptOutcome> {
  const delivery = await getDelivery(env.DB, message.delivery_id);
  if (!delivery || delivery.status !== "pending" || message.attempt !== delivery.attempts + 1) return "stale";
  if ((delivery.nextAttemptAt ?? 0) > now + 1000) {
    // Arrived early (clock skew, or a copy re-enqueued by the sweeper): come back when it is due.
    await enqueueAttempt(env, delivery.id, message.attempt, delivery.nextAttemptAt! - now);
    return "early";
  }
  const run = await env.DB.prepare(`SELECT webhook_url, webhook_secret, webhook_status, webhook_disabled_reason FROM runs WHERE id = ?`)
    .bind(delivery.runId)
    .first<{ webhook_url: string | null; webhook_secret: string | null; webhook_status: string | null; webhook_disabled_reason: string | null }>();
  const settle = async (status: "failed" | "disabled", reason: string) => (await settleWithoutAttempt(env.DB, delivery.id, status, reason, now), status);
  if (!run?.webhook_url || !run.webhook_secret) return settle("failed", "the run has no webhook");
  if (run.webhook_status === "disabled" && delivery.manual !== 1) {
    return settle("disabled", `not sent: the webhook is disabled (${run.webhook_disabled_reason ?? "410 Gone"})`);
  }
  const schedule = parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE_S);
  if (delivery.attempts >= schedule.length) return settle("failed", `retry schedule exhausted after ${delivery.attempts} attempts`);
  // Checked at submission; checked again before every attempt, name resolved (DNS can change). A
  // refused URL settles the delivery; a resolver that failed costs this attempt, and the schedule goes on.
  const verdict = await (deps.guard ?? outboundGuard(env)).check(run.webhook_url);
  if (!verdict.ok && !verdict.retryable) return settle("failed", `the webhook URL is not allowed: ${verdict.reason}`);
  let secret: string;
  try {
    secret = await openSecret(env.SECRETS_KEYS, run.webhook_secret, webhookSecretContext(delivery.runId));
  } catch (error) {
    // A missing key ring is configuration (throw: retried later); a secret that no longer opens is final.
    if (!(error instanceof SecretOpenError)) throw error;
    return settle("failed", `the signing secret cannot be opened: ${error.message}`);
  }
  const urlError = verdict.ok ? null : `the webhook URL could not be checked, so it was not called: ${verdict.reason}`;
  return { delivery, run: { webhook_url: run.webhook_url, webhook_secret: run.webhook_secret, webhook_status: run.webhook_status }, schedule, secret, urlError };
}

/** Makes attempt `message.attempt` of its delivery, if it is still due and nobody else is making it. */
export async function deliverAttempt(env: Env, message: WebhookMessage, deps: WebhookDeps = {}): Promise<AttemptOutcome> {
  const now = Date.now();
  const due = await dueAttempt(env, message, deps, now);
  if (typeof due === "string") return due;
  const { delivery, run } = due;

  const timeoutMs = envNumber(env.WEBHOOK_TIMEOUT_S, DEFAULT_TIMEOUT_S) * 1000;
  const token = randomId("clm");
  const timestampS = Math.floor(now / 1000);
  if (!(await claimAttempt(env.DB, delivery.id, message.attempt, token, now + timeoutMs + CLAIM_MARGIN_MS, timestampS, now))) return "stale";

  const headers = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    ...(await signedHeaders(due.secret, delivery.msgId, timestampS, delivery.payload)),
  };
  const started = Date.now();
  const sent: SendResult = due.urlError
    ? { outcome: "failed", httpStatus: null, error: due.urlError, responseExcerpt: null, retryAfterS: null }
    : await send(deps.fetcher ?? ((r) => fetch(r)), run.webhook_url, headers, delivery.payload, timeoutMs);
  return recordAttempt(env, due, message.attempt, token, sent, started, deps);
}

/** Logs the attempt's result, moves the delivery on and, if it is to be retried, enqueues the next attempt. */
async function recordAttempt(env: Env, due: DueAttempt, attempt: number, token: string, sent: SendResult, started: number, deps: WebhookDeps): Promise<AttemptOutcome> {
  const { delivery, run } = due;
  const finishedAt = Date.now();
  let delayMs: number | null = null;
  let deliveryStatus: AttemptResult["deliveryStatus"];
  let webhook: Parameters<typeof finishAttempt>[5] = null;
  if (sent.outcome === "succeeded") {
    deliveryStatus = "succeeded";
    // A ping or redelivery the receiver accepts re-enables a webhook it had disabled with 410.
    if (run.webhook_status === "disabled") webhook = { status: "enabled", reason: null };
  } else if (sent.outcome === "gone") {
    deliveryStatus = "disabled";
    webhook = { status: "disabled", reason: `the receiver answered 410 Gone to delivery ${delivery.id} at ${new Date(finishedAt).toISOString()}` };
  } else {
    delayMs = nextDelayMs(due.schedule, attempt, sent.retryAfterS, deps.random);
    deliveryStatus = delayMs === null ? "failed" : "pending";
  }
  const nextAttemptAt = delayMs === null ? null : finishedAt + delayMs;
  const { outcome, httpStatus, error, responseExcerpt } = sent;
  const recorded = await finishAttempt(
    env.DB,
    delivery,
    attempt,
    token,
    { outcome, httpStatus, error, responseExcerpt, durationMs: finishedAt - started, finishedAt, nextAttemptAt, deliveryStatus },
    webhook,
  );
  console.log(
    JSON.stringify({ event: "webhook.attempt", delivery_id: delivery.id, type: delivery.eventType, attempt, outcome, http_status: httpStatus, next_attempt_at: nextAttemptAt }),
  );
  if (!recorded) return "stale"; // our claim ran out mid-call and someone else took over
  if (delayMs !== null) {
    // If this send fails, the sweeper re-enqueues the delivery once it is overdue.
    await enqueueAttempt(env, delivery.id, attempt + 1, delayMs).catch((e) =>
      console.error(JSON.stringify({ event: "webhook.enqueue_error", delivery_id: delivery.id, error: String(e) })),
    );
    return "retrying";
  }
  return sent.outcome === "gone" ? "gone" : deliveryStatus === "succeeded" ? "succeeded" : "failed";
}

export async function consumeWebhookBatch(batch: MessageBatch<unknown>, env: Env, deps: WebhookDeps = {}): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isWebhookMessage(message.body)) {
        console.error(JSON.stringify({ event: "webhook.bad_message", id: message.id }));
        message.ack();
        return;
      }
      try {
        await deliverAttempt(env, message.body, deps);
        message.ack();
      } catch (error) {
        // Our own fault (D1 hiccup, missing key ring): Queues retries the message; if those run out,
        // the sweeper re-enqueues the delivery from D1.
        console.error(JSON.stringify({ event: "webhook.error", delivery_id: message.body.delivery_id, error: String(error) }));
        message.retry({ delaySeconds: 30 });
      }
    }),
  );
}
