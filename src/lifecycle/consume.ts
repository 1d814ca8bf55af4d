// The queue side of probes: a batch of probe messages runs as lanes (./lanes.ts), each probe
// attempted once however often its message is delivered (./attempt/attempt.ts); dead letters are
// settled as failed so every run finishes. Never throws: every message is acked or retried.
import { InlineBudget, INLINE_PROBES_PER_INVOCATION, runLane } from "./lanes";
import { isActive, RunContexts, type ConsumerDeps } from "./attempt/job";
import { afterSettled, claimNext } from "./attempt/settle";
import { isProbeMessage, type ProbeMessage } from "./messages";
import { settleProbe } from "./store/attempts";
import { storedModel } from "./run-model";
import { getProbe } from "./store/probes";
import { getRun } from "./store/runs";

export type { ConsumerDeps } from "./attempt/job";

export async function consumeProbeBatch(batch: MessageBatch<unknown>, env: Env, deps: ConsumerDeps): Promise<void> {
  const runs = new RunContexts(env, deps);
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
      await runLane({ runId, idx, deliveries: message.attempts, message: message as Message<ProbeMessage> }, env, runs, budget);
    }),
  );
}

/** Dead letters: probes that exhausted their retries are settled as failed, so every run finishes. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    if (!isProbeMessage(message.body)) {
      message.ack();
      continue;
    }
    const { run_id: runId, idx } = message.body;
    try {
      const probe = await getProbe(env.DB, runId, idx);
      const run = await getRun(env.DB, runId);
      if (!probe || !run || probe.status !== "pending") {
        message.ack();
        continue;
      }
      const error = `gave up after ${probe.attempts} attempts; last error: ${probe.error ?? "unknown"}`;
      const result = await settleProbe(env.DB, runId, idx, { status: "failed", error }, Date.now(), claimNext(storedModel(run), env));
      if (isActive(run)) await afterSettled(env, runId, result);
      message.ack();
    } catch (error) {
      console.error(JSON.stringify({ event: "dead_letter.error", run_id: runId, idx, error: String(error) }));
      message.retry({ delaySeconds: 10 });
    }
  }
}
