// Sweeper side of webhooks: local queues forget messages when `wrangler dev` restarts (and a send
// can fail anywhere), so deliveries whose next attempt is overdue are enqueued again from D1.
import { enqueueAttempt } from "./deliver";
import { countPendingDeliveries, reclaimOverdue } from "./store";

/** How late a due attempt may be before the sweeper re-enqueues it (queue delivery is not instant). */
export const OVERDUE_MARGIN_MS = 60_000;
const DELIVERIES_PER_SWEEP = 50;

export interface WebhookSweep {
  requeued: number;
  /** Deliveries still pending: the sweeper's alarm stays armed while there are any. */
  pending: number;
}

export async function sweepWebhooks(env: Env, now = Date.now()): Promise<WebhookSweep> {
  const overdue = await reclaimOverdue(env.DB, now, OVERDUE_MARGIN_MS, DELIVERIES_PER_SWEEP);
  let requeued = 0;
  for (const d of overdue) {
    try {
      await enqueueAttempt(env, d.id, d.attempts + 1, 0);
      requeued++;
    } catch (error) {
      console.error(JSON.stringify({ event: "webhook.requeue_error", delivery_id: d.id, error: String(error) }));
    }
  }
  return { requeued, pending: await countPendingDeliveries(env.DB) };
}
