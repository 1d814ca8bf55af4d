// The sweeper repairs runs whose work went missing: it re-sends probes whose lease expired
// (local queues forget messages when `wrangler dev` restarts), tops up credits, and finalizes
// runs whose last probe settled without a finalizer. Cron runs it in production; locally cron
// does not fire on its own, so the Sweeper Durable Object's alarm runs it while runs are active.
import { DurableObject } from "cloudflare:workers";
import { envNumber } from "../config";
import { dispatchRun, redispatchExpired } from "./dispatch";
import { finalizeRun } from "./finalize";
import { activeRuns } from "./store/runs";
import { sweepWebhooks } from "./webhooks/sweep";

export interface SweepReport {
  runs: number;
  redispatched: number;
  dispatched: number;
  finalized: number;
  /** Webhook deliveries re-enqueued because their next attempt was overdue. */
  webhooksRequeued: number;
  /** Webhook deliveries still pending; they keep the alarm armed like active runs. */
  webhooksPending: number;
}

const RUNS_PER_SWEEP = 50; // keeps one sweep well inside D1's 1,000 queries per invocation

export async function sweep(env: Env, now = Date.now()): Promise<SweepReport> {
  const report: SweepReport = { runs: 0, redispatched: 0, dispatched: 0, finalized: 0, webhooksRequeued: 0, webhooksPending: 0 };
  for (const run of await activeRuns(env.DB, RUNS_PER_SWEEP)) {
    report.runs++;
    try {
      if (run.done >= run.total) {
        if (await finalizeRun(env, run.id, now)) report.finalized++;
        continue;
      }
      report.redispatched += (await redispatchExpired(env, run, now)).length;
      report.dispatched += (await dispatchRun(env, run, now)).length;
    } catch (error) {
      console.error(JSON.stringify({ event: "sweep.error", run_id: run.id, error: String(error) }));
    }
  }
  try {
    const webhooks = await sweepWebhooks(env, now);
    report.webhooksRequeued = webhooks.requeued;
    report.webhooksPending = webhooks.pending;
  } catch (error) {
    console.error(JSON.stringify({ event: "sweep.webhooks_error", error: String(error) }));
  }
  if (report.redispatched || report.dispatched || report.finalized || report.webhooksRequeued) console.log(JSON.stringify({ event: "sweep", ...report }));
  return report;
}

/** One instance (by name) keeps an alarm armed while any run is active or any webhook delivery is pending. */
export class Sweeper extends DurableObject<Env> {
  private intervalMs(): number {
    return envNumber(this.env.SWEEP_INTERVAL_SECONDS, 15) * 1000;
  }

  /** Arms the alarm if none is set; cheap enough to call on every submission. */
  async ensureArmed(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.intervalMs());
  }

  override async alarm(): Promise<void> {
    try {
      const report = await sweep(this.env);
      // Keep sweeping while work is outstanding; the next submission re-arms an idle sweeper.
      if (report.runs > 0 || report.webhooksPending > 0) await this.ctx.storage.setAlarm(Date.now() + this.intervalMs());
    } catch (error) {
      console.error(JSON.stringify({ event: "sweeper.alarm_error", error: String(error) }));
      await this.ctx.storage.setAlarm(Date.now() + this.intervalMs());
    }
  }
}
