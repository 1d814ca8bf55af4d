// Creating deliveries: run events (emitted by whoever moved the run to its final status), pings and
// redeliveries. A delivery is written to D1 first and then enqueued; if the enqueue is lost, the
// sweeper finds the overdue delivery and enqueues it again.
import type { RunRow, WebhookDeliveryRow } from "../../db/schema";
import { aggregateSuites, type SuiteAggregate } from "../../probes/suites/aggregate";
import { settledProbeOf } from "../finalize";
import { database, getRun, listProbes, recipesOf } from "../store";
import { sweeperStub } from "../sweeper";
import { enqueueAttempt } from "./deliver";
import { linkOrigin, pingPayload, PING_EVENT_TYPE, runEventPayload, runEventType } from "./payload";
import { parseRetrySchedule } from "./schedule";
import { getDelivery, insertDelivery, randomId } from "./store";

async function createDelivery(
  env: Env,
  fields: { runId: string; msgId: string; eventType: string; payload: string; manual: boolean; redeliveryOf: string | null },
  now: number,
): Promise<WebhookDeliveryRow | null> {
  const schedule = parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE_S);
  const firstDelayMs = Math.round((schedule[0] ?? 0) * 1000);
  const id = randomId("dlv");
  const inserted = await insertDelivery(env.DB, { id, ...fields, nextAttemptAt: now + firstDelayMs, now });
  if (!inserted) return null;
  try {
    await enqueueAttempt(env, id, 1, firstDelayMs);
  } catch (error) {
    console.error(JSON.stringify({ event: "webhook.enqueue_error", delivery_id: id, error: String(error) }));
  }
  // The sweeper's alarm stays armed while deliveries are pending; arming is idempotent.
  await sweeperStub(env)
    .ensureArmed()
    .catch((error: unknown) => console.error(JSON.stringify({ event: "sweeper.arm_error", error: String(error) })));
  return getDelivery(env.DB, id);
}

function suitesOf(run: RunRow, probes: Awaited<ReturnType<typeof listProbes>> | null): SuiteAggregate[] {
  if (run.resultsJson) return JSON.parse(run.resultsJson) as SuiteAggregate[];
  // A cancelled run has no stored aggregates: summarise what was scored before it stopped.
  return aggregateSuites(recipesOf(run), (probes ?? []).map(settledProbeOf));
}

/** Queues the run's final event (run.succeeded / run.failed / run.cancelled) if it has a webhook. */
export async function emitRunEvent(env: Env, runId: string, now = Date.now()): Promise<WebhookDeliveryRow | null> {
  const db = database(env.DB);
  const run = await getRun(db, runId);
  if (!run?.webhookUrl) return null;
  const type = runEventType(run.status);
  if (!type) return null;
  const probes = run.resultsJson ? null : await listProbes(db, runId);
  const payload = runEventPayload(type, run, suitesOf(run, probes), linkOrigin(env.PUBLIC_ORIGIN, run));
  return createDelivery(env, { runId, msgId: randomId("msg"), eventType: type, payload: JSON.stringify(payload), manual: false, redeliveryOf: null }, now);
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
  const delivery = await createDelivery(env, { runId: run.id, msgId: randomId("msg"), eventType: PING_EVENT_TYPE, payload: JSON.stringify(payload), manual: true, redeliveryOf: null }, now);
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

