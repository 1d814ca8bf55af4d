// ctxprobe Worker: one Worker, three entry points.
//   fetch     — the JSON API, the docs and the reference models (src/api)
//   queue     — probe calls and dead letters (src/lifecycle/consume.ts), webhook attempts (src/lifecycle/webhooks)
//   scheduled — the sweeper that repairs lost work (src/lifecycle/sweeper.ts)
import { createApp } from "./app";
import { consumeDeadLetters, consumeProbeBatch } from "./lifecycle/consume";
import { sweep } from "./lifecycle/sweeper";
import { armSweeper } from "./lifecycle/sweeper-stub";
import { consumeWebhookBatch } from "./lifecycle/webhooks/deliver";
import { WEBHOOK_QUEUE } from "./lifecycle/webhooks/messages";

export { Sweeper } from "./lifecycle/sweeper";
export { EndpointLimiter } from "./lifecycle/limiter/limiter";

const app = createApp();
let sweeperArmed = false;

const worker = {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // Under `wrangler dev` cron never fires, and a restart drops queued messages: the first
    // request after start-up arms the sweeper so unfinished runs resume on their own.
    if (!sweeperArmed) {
      sweeperArmed = true;
      ctx.waitUntil(armSweeper(env));
    }
    return app.fetch(request, env, ctx);
  },

  async queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
    try {
      if (batch.queue === WEBHOOK_QUEUE) await consumeWebhookBatch(batch, env);
      else if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
      else await consumeProbeBatch(batch, env, { internalFetcher: (req) => Promise.resolve(app.fetch(req, env, ctx)) });
    } catch (error) {
      // Never throw from queue(): locally that would redeliver acked messages too.
      console.error(JSON.stringify({ event: "queue.error", queue: batch.queue, error: String(error) }));
    }
  },

  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(sweep(env).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;

export default worker;
