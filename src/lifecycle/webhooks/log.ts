// A run's webhook delivery log as its account reads and drives it: pages of deliveries with every
// attempt, a redelivery, a test ping. The log shows the receiver's URL and the start of its
// answers, so it is the run's account's (or the admin's) only, like sending.
import type { Principal } from "../../accounts/principal";
import { DomainError, notFound } from "../../common/errors";
import { iso } from "../../common/time";
import type { WebhookAttempt, WebhookDelivery } from "../../contract/webhooks";
import type { WebhookAttemptRow, WebhookDeliveryRow } from "../../db/schema";
import { managedRun } from "../access";
import { createPing, redeliver } from "./events";
import { attemptsOf, getDelivery, manualDeliveriesSince, pageDeliveries } from "./store";

function attemptView(a: WebhookAttemptRow): WebhookAttempt {
  return {
    attempt: a.attempt,
    outcome: a.outcome,
    webhook_timestamp: a.webhookTimestamp,
    http_status: a.httpStatus,
    error: a.error,
    response_excerpt: a.responseExcerpt,
    duration_ms: a.durationMs,
    started_at: iso(a.startedAt),
    finished_at: iso(a.finishedAt),
    next_attempt_at: iso(a.nextAttemptAt),
  };
}

function deliveryView(d: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): WebhookDelivery {
  return {
    id: d.id,
    run_id: d.runId,
    event: d.eventType,
    webhook_id: d.msgId,
    status: d.status,
    manual: d.manual === 1,
    redelivery_of: d.redeliveryOf,
    attempts_made: d.attempts,
    next_attempt_at: d.status === "pending" ? iso(d.nextAttemptAt) : null,
    last_http_status: d.lastHttpStatus,
    last_error: d.lastError,
    // Stored as the exact bytes sent and signed; shown as the event it is.
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    created_at: iso(d.createdAt),
    finished_at: iso(d.finishedAt),
    attempts: attempts.map(attemptView),
  };
}

async function runWithWebhook(env: Env, principal: Principal, id: string) {
  const run = await managedRun(env, principal, id);
  if (!run.webhookUrl) throw new DomainError("conflict", "no-webhook", `run ${id} was submitted without a webhook`);
  return run;
}

/** Pings and redeliveries a run may ask for per minute: enough to debug a receiver, too few to flood one. */
export const MANUAL_DELIVERIES_PER_MINUTE = 5;

/** Refuses (with when to retry) a ping or redelivery past the run's per-minute allowance. */
async function requireManualAllowance(env: Env, runId: string, now = Date.now()): Promise<void> {
  const recent = await manualDeliveriesSince(env.DB, runId, now - 60_000);
  if (recent.length < MANUAL_DELIVERIES_PER_MINUTE) return;
  const retryAfterS = Math.max(1, Math.ceil((recent[recent.length - MANUAL_DELIVERIES_PER_MINUTE]! + 60_000 - now) / 1000));
  throw new DomainError("quota-exceeded", "quota-exceeded", `a run may have ${MANUAL_DELIVERIES_PER_MINUTE} pings and redeliveries per minute; retry in ${retryAfterS} s`, {
    retryAfterS,
    extra: { "violated-policies": ["webhook-manual"] },
  });
}

/** The run's deliveries, newest first, after `before`. */
export async function deliveriesPage(env: Env, principal: Principal, runId: string, before: { c: number; i: string } | null, limit: number) {
  await runWithWebhook(env, principal, runId);
  const rows = await pageDeliveries(env.DB, runId, before, limit + 1);
  const page = rows.slice(0, limit);
  const attempts = await attemptsOf(env.DB, page.map((d) => d.id));
  const last = rows.length > limit ? page.at(-1) : undefined;
  return { deliveries: page.map((d) => deliveryView(d, attempts.get(d.id) ?? [])), next: last ? { c: last.createdAt, i: last.id } : null };
}

/** A new delivery of the same event: same webhook-id, same bytes, a fresh schedule. */
export async function redeliverAs(env: Env, principal: Principal, runId: string, deliveryId: string): Promise<WebhookDelivery> {
  await runWithWebhook(env, principal, runId);
  const original = await getDelivery(env.DB, deliveryId);
  if (!original || original.runId !== runId) throw notFound(`run ${runId} has no webhook delivery ${deliveryId}`);
  if (original.status === "pending") throw new DomainError("conflict", "delivery-pending", `delivery ${deliveryId} is still being attempted`);
  await requireManualAllowance(env, runId);
  return deliveryView(await redeliver(env, original), []);
}

/** A webhook.ping to the run's webhook, delivered like any event. */
export async function pingAs(env: Env, principal: Principal, runId: string): Promise<WebhookDelivery> {
  const run = await runWithWebhook(env, principal, runId);
  await requireManualAllowance(env, runId);
  return deliveryView(await createPing(env, run), []);
}
