// D1 access for webhook deliveries. Every state change is a conditional UPDATE, so duplicated queue
// messages, the sweeper and a redelivery can race without a delivery ever being sent twice at once.
import { and, asc, desc, eq, gt, inArray, lt, or } from "drizzle-orm";
import { database } from "../../db/database";
import { webhookAttempts, webhookDeliveries, type WebhookAttemptRow, type WebhookDeliveryRow } from "../../db/schema";

export interface NewDelivery {
  id: string;
  runId: string;
  msgId: string;
  eventType: string;
  payload: string;
  manual: boolean;
  redeliveryOf: string | null;
  nextAttemptAt: number;
  now: number;
}

/**
 * Inserts a delivery. Automatic run events are inserted at most once per run and type, so a second
 * emitter (there should be none: only the finalization winner emits) changes nothing.
 */
export async function insertDelivery(d1: D1Database, d: NewDelivery): Promise<boolean> {
  const guard = d.manual ? "" : `WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries WHERE run_id = ?2 AND event_type = ?4 AND manual = 0)`;
  const result = await d1
    .prepare(
      `INSERT INTO webhook_deliveries (id, run_id, msg_id, event_type, payload, status, manual, redelivery_of, attempts, next_attempt_at, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, 0, ?8, ?9, ?9 ${guard}`,
    )
    .bind(d.id, d.runId, d.msgId, d.eventType, d.payload, d.manual ? 1 : 0, d.redeliveryOf, d.nextAttemptAt, d.now)
    .run();
  return result.meta.changes === 1;
}

export async function getDelivery(d1: D1Database, id: string): Promise<WebhookDeliveryRow | null> {
  return (await database(d1).select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get()) ?? null;
}

/** A page of a run's deliveries, newest first, keyed by (created_at, id). */
export async function pageDeliveries(d1: D1Database, runId: string, before: { c: number; i: string } | null, limit: number): Promise<WebhookDeliveryRow[]> {
  const d = webhookDeliveries;
  const after = before ? or(lt(d.createdAt, before.c), and(eq(d.createdAt, before.c), lt(d.id, before.i))) : undefined;
  return database(d1).select().from(d).where(and(eq(d.runId, runId), after)).orderBy(desc(d.createdAt), desc(d.id)).limit(limit).all();
}

export async function attemptsOf(d1: D1Database, deliveryIds: string[]): Promise<Map<string, WebhookAttemptRow[]>> {
  const out = new Map<string, WebhookAttemptRow[]>(deliveryIds.map((id) => [id, []]));
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < deliveryIds.length; i += 90) {
    const ids = deliveryIds.slice(i, i + 90);
    const rows = await database(d1).select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, ids)).orderBy(asc(webhookAttempts.deliveryId), asc(webhookAttempts.attempt)).all();
    for (const row of rows) out.get(row.deliveryId)?.push(row);
  }
  return out;
}

/**
 * Claims attempt `attempt` of a pending delivery for one sender and logs it as `sending`, atomically.
 * False when another sender holds it, the attempt was made already, or the delivery is settled.
 */
export async function claimAttempt(
  d1: D1Database,
  deliveryId: string,
  attempt: number,
  token: string,
  claimedUntil: number,
  webhookTimestamp: number,
  now: number,
): Promise<boolean> {
  const [claimed] = await d1.batch([
    d1
      .prepare(
        `UPDATE webhook_deliveries SET attempts = ?1, claim_token = ?2, claimed_until = ?3, updated_at = ?4
         WHERE id = ?5 AND status = 'pending' AND attempts = ?1 - 1 AND (claimed_until IS NULL OR claimed_until < ?4)`,
      )
      .bind(attempt, token, claimedUntil, now, deliveryId),
    d1
      .prepare(
        `INSERT INTO webhook_attempts (delivery_id, attempt, outcome, webhook_timestamp, started_at)
         SELECT id, attempts, 'sending', ?1, ?2 FROM webhook_deliveries WHERE id = ?3 AND claim_token = ?4 AND attempts = ?5
         ON CONFLICT DO NOTHING`,
      )
      .bind(webhookTimestamp, now, deliveryId, token, attempt),
  ]);
  return claimed!.meta.changes === 1;
}

export interface AttemptResult {
  outcome: "succeeded" | "failed" | "gone";
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
  finishedAt: number;
  /** When the next attempt is due, or null when the delivery is settled by this attempt. */
  nextAttemptAt: number | null;
  deliveryStatus: WebhookDeliveryRow["status"];
}

/**
 * Records an attempt's result and moves the delivery on, in one batch, if the caller still holds
 * the claim. `webhook` updates the run's webhook: disabled on 410, re-enabled by a manual success.
 */
export async function finishAttempt(
  d1: D1Database,
  delivery: Pick<WebhookDeliveryRow, "id" | "runId">,
  attempt: number,
  token: string,
  r: AttemptResult,
  webhook: { status: "enabled" | "disabled"; reason: string | null } | null,
): Promise<boolean> {
  const statements = [
    d1
      .prepare(
        `UPDATE webhook_attempts SET outcome = ?1, http_status = ?2, error = ?3, response_excerpt = ?4, duration_ms = ?5, finished_at = ?6, next_attempt_at = ?7
         WHERE delivery_id = ?8 AND attempt = ?9 AND outcome IN ('sending', 'lost')`,
      )
      .bind(r.outcome, r.httpStatus, r.error, r.responseExcerpt, r.durationMs, r.finishedAt, r.nextAttemptAt, delivery.id, attempt),
    d1
      .prepare(
        `UPDATE webhook_deliveries SET status = ?1, next_attempt_at = ?2, claim_token = NULL, claimed_until = NULL, last_http_status = ?3,
           last_error = ?4, updated_at = ?5, finished_at = CASE WHEN ?1 = 'pending' THEN NULL ELSE ?5 END
         WHERE id = ?6 AND claim_token = ?7`,
      )
      .bind(r.deliveryStatus, r.nextAttemptAt, r.httpStatus, r.error, r.finishedAt, delivery.id, token),
  ];
  if (webhook) {
    // Only when this attempt's claim was still ours: changes() is the row count of the UPDATE above.
    statements.push(
      d1
        .prepare(`UPDATE runs SET webhook_status = ?1, webhook_disabled_reason = ?2 WHERE id = ?3 AND webhook_url IS NOT NULL AND (SELECT changes()) = 1`)
        .bind(webhook.status, webhook.reason, delivery.runId),
    );
  }
  const [, moved] = await d1.batch(statements);
  return moved!.meta.changes === 1;
}

/** Settles a pending delivery without an attempt (webhook disabled or gone, URL refused, schedule exhausted). */
export async function settleWithoutAttempt(d1: D1Database, deliveryId: string, status: "failed" | "disabled", reason: string, now: number): Promise<void> {
  await d1
    .prepare(
      `UPDATE webhook_deliveries SET status = ?1, last_error = ?2, next_attempt_at = NULL, claim_token = NULL, claimed_until = NULL, updated_at = ?3, finished_at = ?3
       WHERE id = ?4 AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?3)`,
    )
    .bind(status, reason, now, deliveryId)
    .run();
}

/**
 * Sweeper side: pending deliveries whose next attempt is overdue by `marginMs` and that nobody holds.
 * Bumping next_attempt_at to now is the sweeper's own claim, so two sweeps never both re-enqueue one,
 * and a delivery is re-enqueued at most once per margin. Attempts left `sending` by a sender whose
 * claim ran out are marked lost first.
 */
export async function reclaimOverdue(d1: D1Database, now: number, marginMs: number, limit: number): Promise<{ id: string; attempts: number }[]> {
  const [, reclaimed] = await d1.batch<{ id: string; attempts: number }>([
    d1
      .prepare(
        `UPDATE webhook_attempts SET outcome = 'lost', error = 'no result was recorded: the sender stopped before the attempt finished', finished_at = ?1
         WHERE outcome = 'sending' AND delivery_id IN (
           SELECT id FROM webhook_deliveries WHERE status = 'pending' AND claimed_until IS NOT NULL AND claimed_until < ?1 AND next_attempt_at < ?2)`,
      )
      .bind(now, now - marginMs),
    d1
      .prepare(
        `UPDATE webhook_deliveries SET next_attempt_at = ?1, updated_at = ?1
         WHERE id IN (
           SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < ?2 AND (claimed_until IS NULL OR claimed_until < ?1)
           ORDER BY next_attempt_at LIMIT ?3)
         RETURNING id, attempts`,
      )
      .bind(now, now - marginMs, limit),
  ]);
  return reclaimed?.results ?? [];
}

/** Creation times of the run's pings and redeliveries since `since`, oldest first. */
export async function manualDeliveriesSince(d1: D1Database, runId: string, since: number): Promise<number[]> {
  const d = webhookDeliveries;
  const rows = await database(d1).select({ at: d.createdAt }).from(d).where(and(eq(d.runId, runId), eq(d.manual, 1), gt(d.createdAt, since))).orderBy(asc(d.createdAt)).all();
  return rows.map((r) => r.at);
}

export async function countPendingDeliveries(d1: D1Database): Promise<number> {
  const row = await d1.prepare(`SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'`).first<{ n: number }>();
  return row?.n ?? 0;
}
