// Creating deliveries: run events (emitted by whoever moved the run to its final status), pings and
// redeliveries. A delivery is written to D1 first and then enqueued; if the enqueue is lost, the
// sweeper finds the overdue delivery and enqueues it again.
import type { RunRow, WebhookDeliveryRow } from "../../db/schema";
import { aggregateSuites, type SuiteAggregate } from "../../probes/suites/aggregate";
import { settledProbes } from "../store/probes";
import { getRun } from "../store/runs";
import { armSweeper } from "../sweeper-stub";
import { enqueueAttempt } from "./deliver";
import { linkOrigin, pingPayload, PING_EVENT_TYPE, runEventPayload, runEventType } from "./payload";
import { parseRetrySchedule } from "./schedule";
import { getDelivery, insertDelivery } from "./store";
import { newId } from "../../common/ids";

async function createDelivery(
  env: Env,
  fields: { runId: string; msgId: string; eventType: string; payload: string; manual: boolean; redeliveryOf: string | null },
  now: number,
): Promise<WebhookDeliveryRow | null> {
  const schedule = parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE_S);
  const firstDelayMs = Math.round((schedule[0] ?? 0) * 1000);
  const id = newId("dlv", 20);
  const inserted = await insertDelivery(env.DB, { id, ...fields, nextAttemptAt: now + firstDelayMs, now });
  if (!inserted) return null;
  try {
    await enqueueAttempt(env, id, 1, firstDelayMs);
  } catch (error) {
    console.error(JSON.stringify({ event: "webhook.enqueue_error", delivery_id: id, error: String(error) }));
  }
  // The sweeper's alarm stays armed while deliveries are pending; arming is idempotent.
  await armSweeper(env);
  return getDelivery(env.DB, id);
}

async function suitesOf(env: Env, run: RunRow): Promise<SuiteAggregate[]> {
  // A cancelled run has no stored aggregates: summarise what was scored before it stopped.
  return run.results ?? aggregateSuites(run.suites, await settledProbes(env.DB, run.id));
}

/** Queues the run's final event (run.succeeded / run.failed / run.cancelled) if it has a webhook. */
export async function emitRunEvent(env: Env, runId: string, now = Date.now()): Promise<WebhookDeliveryRow | null> {
  const run = await getRun(env.DB, runId);
  if (!run?.webhookUrl) return null;
  const type = runEventType(run.status);
  if (!type) return null;
  const payload = runEventPayload(type, run, await suitesOf(env, run), linkOrigin(env.PUBLIC_ORIGIN, run));
  return createDelivery(env, { runId, msgId: newId("msg", 20), eventType: type, payload: JSON.stringify(payload), manual: false, redeliveryOf: null }, now);
}

/** emitRunEvent for callers that must not fail because of a webhook (finalization, cancellation). */
export async function emitRunEventSafely(env: Env, runId: string): Promise<void> {
  try {
    await emitRunEvent(env, runId);
  } catch (error) {
    console.error(JSON.stringify({ event: "webhook.emit_error", run_id: runId, error: String(error) }));
  }
}

export async function createPing(env: Env, run: RunRow, now = Date.now()): Promise<WebhookDeliveryRow> {
  const payload = pingPayload(run, linkOrigin(env.PUBLIC_ORIGIN, run), now);
  const delivery = await createDelivery(env, { runId: run.id, msgId: newId("msg", 20), eventType: PING_EVENT_TYPE, payload: JSON.stringify(payload), manual: true, redeliveryOf: null }, now);
  return delivery!;
}

/** A new series of attempts for the same event: same webhook-id, same bytes, a fresh schedule. */
export async function redeliver(env: Env, original: WebhookDeliveryRow, now = Date.now()): Promise<WebhookDeliveryRow> {
  const delivery = await createDelivery(
    env,
    { runId: original.runId, msgId: original.msgId, eventType: original.eventType, payload: original.payload, manual: true, redeliveryOf: original.id },
    now,
  );
  return delivery!;
}

