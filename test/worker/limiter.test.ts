// The per-endpoint limiter inside workerd with the real local D1, queue and Durable Object: runs that
// call an endpoint with one credential share its limiter, each within its own max_concurrency; a
// probe waiting for a permit is not an attempt, and a 429 with Retry-After pauses the endpoint and
// lowers its limit, which then recovers (AIMD). (Isolation between credentials: tenants.test.ts.)
import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { suiteContext } from "../../src/catalog/corpora";
import { limiterFor } from "../../src/lifecycle/limiter/limiter";
import { probeMessage } from "../../src/lifecycle/messages";
import { claimProbes } from "../../src/lifecycle/store/attempts";
import { insertRun } from "../../src/lifecycle/store/runs";
import { SUITES } from "../../src/probes/suites";
import { api, completionBody, createRun, fakeUpstream, needleRun, probeRows, waitForStatus, type UpstreamCall } from "./helpers";

vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const ok = () => new Response(completionBody("The best thing is to eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stub endpoint that counts the calls it has out at once (and whose runs they belong to). */
function countingUpstream(reply: (call: UpstreamCall, n: number) => Promise<Response>, runOf: (call: UpstreamCall) => string = () => "") {
  const seen = { calls: 0, inFlight: 0, maxInFlight: 0, starts: [] as number[], out: new Map<string, number>(), maxOut: new Map<string, number>(), overlapped: false };
  fakeUpstream(vi, async (call) => {
    const n = seen.calls++;
    const run = runOf(call);
    seen.starts.push(Date.now());
    seen.inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    seen.out.set(run, (seen.out.get(run) ?? 0) + 1);
    seen.maxOut.set(run, Math.max(seen.maxOut.get(run) ?? 0, seen.out.get(run)!));
    if ([...seen.out].filter(([, k]) => k > 0).length > 1) seen.overlapped = true;
    try {
      return await reply(call, n);
    } finally {
      seen.inFlight--;
      seen.out.set(run, seen.out.get(run)! - 1);
    }
  });
  return seen;
}

let counter = 0;
async function seedRun(model: Record<string, unknown>, lengths: number[], depths: number[]) {
  const id = `run_limit_${++counter}_${Date.now()}`;
  const full = { name: "limits", base_url: "https://models.example.com/v1", api: "completions", tokenizer: "cl100k_base", context_window: 131072, request_timeout_s: 10, ...model };
  const recipe = await SUITES.needle.resolve({ type: "needle", corpus: "sotu", context_lengths: lengths, depth_percents: depths }, { api: "completions", tokenizer: "cl100k_base", contextWindow: 131072 }, 0, suiteContext(env, null));
  const points = SUITES.needle.plan(recipe);
  await insertRun(env.DB, {
    id, model: full as never, apiKeySealed: null, credential: "account:admin", accountId: "admin", internalEndpoint: false, reference: false,
    recipes: [recipe], points, public: true, now: Date.now(), idempotencyKey: null, requestSha256: null,
  });
  return { id, total: points.length };
}

describe("one limiter per endpoint", () => {
  it("lets runs of one credential call an endpoint together, each within its own max_concurrency", async () => {
    const model = { model: "shared-served", max_concurrency: 3 };
    // Run a asks 1K-token haystacks, run b 2K: the prompt's size tells whose call it is.
    const a = await seedRun(model, [1000], [0, 20, 40, 60, 80, 100]);
    const b = await seedRun(model, [2000], [0, 20, 40, 60, 80, 100]);
    // Uneven latencies, so one run's calls end while the other's are still out.
    const seen = countingUpstream(
      async (_call, n) => {
        await sleep([15, 60, 110][n % 3]!);
        return ok();
      },
      (call) => ((call.body.prompt?.length ?? 0) > 6000 ? "b" : "a"),
    );
    // Both runs take their three credits; one batch delivers all six: six lanes, six permits.
    const now = Date.now();
    const claimed = [...(await claimProbes(env.DB, a.id, 3, now + 60_000, now)).map((idx) => probeMessage(a.id, idx)), ...(await claimProbes(env.DB, b.id, 3, now + 60_000, now)).map((idx) => probeMessage(b.id, idx))];
    expect(claimed).toHaveLength(6);
    const batch = createMessageBatch("ctxprobe-probes", claimed.map((body, i) => ({ id: `limit-${i}`, timestamp: new Date(), attempts: 1, body })));
    await worker.queue(batch, env, createExecutionContext());

    await waitForStatus(a.id, ["succeeded"]);
    await waitForStatus(b.id, ["succeeded"]);
    // One run's max_concurrency caps only that run: each kept to 3, together more than 3 at once.
    expect(seen.maxOut.get("a")).toBeLessThanOrEqual(3);
    expect(seen.maxOut.get("b")).toBeLessThanOrEqual(3);
    expect(seen.maxInFlight).toBeGreaterThan(3);
    expect(seen.maxInFlight).toBeLessThanOrEqual(6);
    expect(seen.overlapped).toBe(true);
    expect(seen.calls).toBe(12);
    for (const probe of [...(await probeRows(a.id)), ...(await probeRows(b.id))]) expect(probe).toMatchObject({ status: "scored", attempts: 1 });
    const status = await limiterFor(env, "https://models.example.com/v1", "shared-served", "account:admin").stub.status();
    expect(status).toMatchObject({ ceiling: 6, limit: 6, in_flight: 0, waiting: 0, throttles: 0 });
  });

  it("adds up the max_concurrency of the runs calling with one credential: its ceiling", async () => {
    const { endpoint, stub } = limiterFor(env, "https://models.example.com/v1/", "ceiling-served", "account:admin");
    expect(endpoint).toBe("https://models.example.com/v1#ceiling-served"); // trailing slash normalized
    expect(await stub.acquire({ endpoint, runId: "run_big", idx: 0, ceiling: 8, holdMs: 60_000 })).toMatchObject({ granted: true, limit: 8 });
    expect(await stub.acquire({ endpoint, runId: "run_small", idx: 0, ceiling: 2, holdMs: 60_000 })).toMatchObject({ granted: true, limit: 10 });
    // The small run's cap does not hold the big run back: its next call goes out too.
    expect(await stub.acquire({ endpoint, runId: "run_big", idx: 1, ceiling: 8, holdMs: 60_000 })).toMatchObject({ granted: true, limit: 10 });
    expect(await stub.status()).toMatchObject({ ceiling: 10, limit: 10, in_flight: 3, waiting: 0, paused_until: null });
  });
});

describe("a cancelled run", () => {
  it("leaves the line at once: its waiters go and their reserved permits pass to other runs", async () => {
    const { endpoint, stub } = limiterFor(env, "https://models.example.com/v1", "forget-served", "account:admin");
    // A 429 (no pause left) has brought the limit down to one permit, so the others must wait.
    const first = await stub.acquire({ endpoint, runId: "run_keep", idx: 9, ceiling: 1, holdMs: 60_000 });
    await stub.release((first as { permit: string }).permit, { kind: "throttled", retryAfterS: 0 });
    const held = await stub.acquire({ endpoint, runId: "run_keep", idx: 0, ceiling: 1, holdMs: 60_000 });
    expect(held).toMatchObject({ granted: true });
    // Two probes of the doomed run and one of another run wait behind the held permit, in that order.
    for (const [runId, idx] of [["run_doomed", 0], ["run_doomed", 1], ["run_other", 0]] as const) {
      expect(await stub.acquire({ endpoint, runId, idx, ceiling: 1, holdMs: 60_000 })).toMatchObject({ granted: false, reason: "full" });
    }
    // The held call returns: the permit is reserved for the oldest waiter, a probe of the doomed run.
    await stub.release((held as { permit: string }).permit, { kind: "other" });
    expect(await stub.status()).toMatchObject({ in_flight: 1, waiting: 2 });
    await stub.forgetRun("run_doomed");
    // Its reservation and its other waiter are gone; the permit went on to the other run's probe.
    expect(await stub.status()).toMatchObject({ in_flight: 1, waiting: 0 });
    expect(await stub.acquire({ endpoint, runId: "run_other", idx: 0, ceiling: 1, holdMs: 60_000 })).toMatchObject({ granted: true, permit: "r:run_other:0" });
  });
});

describe("429 with Retry-After", () => {
  it("pauses the endpoint, halves its limit, and wins it back with successes", async () => {
    let answered429At = 0;
    const seen = countingUpstream(async (_call, n) => {
      if (n === 0) {
        answered429At = Date.now();
        return new Response(JSON.stringify({ error: { message: "Rate limit reached", type: "requests" } }), { status: 429, headers: { "retry-after": "1" } });
      }
      await sleep(20);
      return ok();
    });
    const run = await createRun(needleRun({ suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 15, 30, 45, 60, 75, 90, 100] }] }, { model: "throttled-served", max_concurrency: 4 }));

    // Watch the limiter through the API while the run goes on.
    let throttled: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !throttled; i++) {
      const limit = (await (await api(`/v1/runs/${run.id}/endpoint-limit`)).json()) as Record<string, unknown>;
      if (limit.throttles === 1) throttled = limit;
      else await sleep(10);
    }
    expect(throttled).toMatchObject({ endpoint: "https://models.example.com/v1#throttled-served", ceiling: 4, limit: 2, reduced: true });
    const pausedUntil = Date.parse(throttled!.paused_until as string);
    expect(pausedUntil).toBeGreaterThan(answered429At);

    const done = await waitForStatus(run.id, ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(seen.calls).toBe(17); // 16 probes, one of them twice
    expect(seen.maxInFlight).toBeLessThanOrEqual(4);
    // No call started during the pause. The limiter paused at pausedUntil − 1 s (Retry-After: 1);
    // calls granted just before that may still have started in its first instants.
    const pausedAt = pausedUntil - 1000;
    expect(seen.starts.filter((t) => t > pausedAt + 100 && t < pausedUntil - 50)).toEqual([]);
    expect(seen.starts.filter((t) => t >= pausedUntil - 50).length).toBeGreaterThan(5);
    // Recovered: 2 → 3 after two successes, 3 → 4 (the ceiling) after three more.
    const after = (await (await api(`/v1/runs/${run.id}/endpoint-limit`)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ ceiling: 4, limit: 4, reduced: false, paused_until: null, in_flight: 0, waiting: 0, throttles: 1 });
  });
});
