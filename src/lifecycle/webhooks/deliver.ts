// The webhook consumer: one queue message = one attempt of one delivery. It claims the attempt in
// D1 (so a delivery is never sent twice at once), signs it, POSTs it without following redirects and
// with a timeout, logs the attempt and schedules the next one. It never throws: messages are acked.
import { envNumber, outboundGuard } from "../../config";
import type { OutboundGuard } from "../../security/resolved";
import { webhookSecretContext } from "../../accounts/secrets";
import { openSecret, SecretOpenError } from "../../security/secrets";
import { FETCH_SAFETY } from "../../security/ssrf";
import { parseRetryAfter } from "../endpoint/client";
import { isWebhookMessage, webhookMessage, type WebhookMessage } from "./messages";
import { nextDelayMs, parseRetrySchedule } from "./schedule";
import { signedHeaders } from "./sign";
import { claimAttempt, finishAttempt, getDelivery, settleWithoutAttempt } from "./store";
import { newId } from "../../common/ids";
import type { WebhookDeliveryRow } from "../../db/schema";
import { runWebhook } from "../store/runs";

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

/**
 * Why a due delivery is not sent (it settles without an attempt), or the URL and opened secret to
 * send with; `urlError`: the URL could not be checked this time, so this attempt fails without a call.
 */
type Readiness =
  | { send: false; status: "failed" | "disabled"; reason: string }
  | { send: true; url: string; secret: string; disabled: boolean; urlError: string | null };

/** The checks before an attempt: the run still has a usable webhook, the schedule has room, the URL is allowed. */
async function readiness(env: Env, delivery: WebhookDeliveryRow, guard: OutboundGuard): Promise<Readiness> {
  const run = await runWebhook(env.DB, delivery.runId);
  if (!run?.webhookUrl || !run.webhookSecret) return { send: false, status: "failed", reason: "the run has no webhook" };
  const disabled = run.webhookStatus === "disabled";
  if (disabled && delivery.manual !== 1) return { send: false, status: "disabled", reason: `not sent: the webhook is disabled (${run.webhookDisabledReason ?? "410 Gone"})` };
  const schedule = parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE_S);
  if (delivery.attempts >= schedule.length) return { send: false, status: "failed", reason: `retry schedule exhausted after ${delivery.attempts} attempts` };
  // Checked at submission; checked again before every attempt, its name resolved (DNS can change). A
  // refused URL settles the delivery; a resolver that failed costs this attempt, and the schedule goes on.
  const verdict = await guard.check(run.webhookUrl);
  if (!verdict.ok && !verdict.retryable) return { send: false, status: "failed", reason: `the webhook URL is not allowed: ${verdict.reason}` };
  const urlError = verdict.ok ? null : `the webhook URL could not be checked, so it was not called: ${verdict.reason}`;
  try {
    const secret = await openSecret(env.SECRETS_KEYS, run.webhookSecret, webhookSecretContext(delivery.runId));
    return { send: true, url: run.webhookUrl, secret, disabled, urlError };
  } catch (error) {
    // A missing key ring is configuration (throw: retried later); a secret that no longer opens is final.
    if (!(error instanceof SecretOpenError)) throw error;
    return { send: false, status: "failed", reason: `the signing secret cannot be opened: ${error.message}` };
  }
}

/** What an attempt's result does to the delivery (next attempt, or settled) and to the run's webhook. */
function nextStep(env: Env, sent: SendResult, attempt: number, deliveryId: string, wasDisabled: boolean, finishedAt: number, random?: () => number) {
  if (sent.outcome === "succeeded") {
    // A ping or redelivery the receiver accepts re-enables a webhook it had disabled with 410.
    return { delayMs: null, deliveryStatus: "succeeded" as const, webhook: wasDisabled ? { status: "enabled" as const, reason: null } : null };
  }
  if (sent.outcome === "gone") {
    const reason = `the receiver answered 410 Gone to delivery ${deliveryId} at ${new Date(finishedAt).toISOString()}`;
    return { delayMs: null, deliveryStatus: "disabled" as const, webhook: { status: "disabled" as const, reason } };
  }
  const delayMs = nextDelayMs(parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE_S), attempt, sent.retryAfterS, random);
  return { delayMs, deliveryStatus: delayMs === null ? ("failed" as const) : ("pending" as const), webhook: null };
}

/** Makes attempt `message.attempt` of its delivery, if it is still due and nobody else is making it. */
export async function deliverAttempt(env: Env, message: WebhookMessage, deps: WebhookDeps = {}): Promise<AttemptOutcome> {
  const delivery = await getDelivery(env.DB, message.delivery_id);
  if (!delivery || delivery.status !== "pending" || message.attempt !== delivery.attempts + 1) return "stale";
  const now = Date.now();
  if ((delivery.nextAttemptAt ?? 0) > now + 1000) {
    // Arrived early (clock skew, or a copy re-enqueued by the sweeper): come back when it is due.
    await enqueueAttempt(env, delivery.id, message.attempt, delivery.nextAttemptAt! - now);
    return "early";
  }
  const ready = await readiness(env, delivery, deps.guard ?? outboundGuard(env));
  if (!ready.send) {
    await settleWithoutAttempt(env.DB, delivery.id, ready.status, ready.reason, now);
    return ready.status;
  }

  const timeoutMs = envNumber(env.WEBHOOK_TIMEOUT_S, DEFAULT_TIMEOUT_S) * 1000;
  const token = newId("clm", 20);
  const timestampS = Math.floor(now / 1000);
  if (!(await claimAttempt(env.DB, delivery.id, message.attempt, token, now + timeoutMs + CLAIM_MARGIN_MS, timestampS, now))) return "stale";

  const headers = { "content-type": "application/json", "user-agent": USER_AGENT, ...(await signedHeaders(ready.secret, delivery.msgId, timestampS, delivery.payload)) };
  const started = Date.now();
  const sent: SendResult = ready.urlError
    ? { outcome: "failed", httpStatus: null, error: ready.urlError, responseExcerpt: null, retryAfterS: null }
    : await send(deps.fetcher ?? ((r) => fetch(r)), ready.url, headers, delivery.payload, timeoutMs);
  const finishedAt = Date.now();
  const { delayMs, deliveryStatus, webhook } = nextStep(env, sent, message.attempt, delivery.id, ready.disabled, finishedAt, deps.random);
  const nextAttemptAt = delayMs === null ? null : finishedAt + delayMs;
  const result = { outcome: sent.outcome, httpStatus: sent.httpStatus, error: sent.error, responseExcerpt: sent.responseExcerpt, durationMs: finishedAt - started, finishedAt, nextAttemptAt, deliveryStatus };
  const recorded = await finishAttempt(env.DB, delivery, message.attempt, token, result, webhook);
  console.log(
    JSON.stringify({ event: "webhook.attempt", delivery_id: delivery.id, type: delivery.eventType, attempt: message.attempt, outcome: sent.outcome, http_status: sent.httpStatus, next_attempt_at: nextAttemptAt }),
  );
  if (!recorded) return "stale"; // our claim ran out mid-call and someone else took over
  if (delayMs !== null) {
    // If this send fails, the sweeper re-enqueues the delivery once it is overdue.
    await enqueueAttempt(env, delivery.id, message.attempt + 1, delayMs).catch((error) =>
      console.error(JSON.stringify({ event: "webhook.enqueue_error", delivery_id: delivery.id, error: String(error) })),
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
