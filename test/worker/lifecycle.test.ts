// The run lifecycle inside workerd with the real local D1: consumer idempotency, retry
// classification, exactly-once finalization, dead letters, the sweeper and concurrency credits.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { claimProbes } from "../../src/lifecycle/store/attempts";
import { insertRun } from "../../src/lifecycle/store/runs";
import { sweep } from "../../src/lifecycle/sweeper";
import { suiteContext } from "../../src/catalog/corpora";
import { probeMessage } from "../../src/lifecycle/messages";
import { SUITES } from "../../src/probes/suites";
import { completionBody, fakeUpstream, hangUntilAborted, probeRows, runRow } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const MODEL = {
  name: "unit",
  base_url: "https://models.example.com/v1",
  api: "completions" as const,
  model: "served",
  tokenizer: "cl100k_base" as const,
  context_window: 131072,
  max_concurrency: 2,
  request_timeout_s: 5,
};

let counter = 0;
/** A run written straight to D1 (not dispatched), so each test drives the consumer itself. */
async function seedRun(lengths = [1000], depths = [0, 50, 100], model = MODEL) {
  const id = `run_test_${++counter}_${Date.now()}`;
  const recipe = await SUITES.needle.resolve({ type: "needle", corpus: "sotu", context_lengths: lengths, depth_percents: depths }, { api: model.api, tokenizer: model.tokenizer, contextWindow: model.context_window }, 0, suiteContext(env, null));
  const points = SUITES.needle.plan(recipe);
  await insertRun(env.DB, {
    id, model, apiKeySealed: null, credential: "account:admin", accountId: "admin", internalEndpoint: false, reference: false,
    recipes: [recipe], points, public: true, now: Date.now(), idempotencyKey: null, requestSha256: null,
  });
  return { id, total: points.length };
}

async function deliver(runId: string, idxs: number[], attempts = 1, queue = "ctxprobe-probes") {
  const batch = createMessageBatch(queue, idxs.map((idx, i) => ({ id: `m-${runId}-${idx}-${i}-${attempts}`, timestamp: new Date(), attempts, body: probeMessage(runId, idx) })));
  const retries: (number | undefined)[] = [];
  for (const m of batch.messages) {
    const original = m.retry.bind(m);
    m.retry = (options?: QueueRetryOptions) => {
      retries.push(options?.delaySeconds);
      original(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return { result: await getQueueResult(batch, ctx), retries };
}

const ok = () => new Response(completionBody("The best thing is to eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } });

describe("consumer", () => {
  it("calls the endpoint with the paper's settings and settles a probe once, however often it is delivered", async () => {
    const calls = fakeUpstream(vi, ok);
    const { id } = await seedRun([1000], [50]);
    await deliver(id, [0]);
    await deliver(id, [0]); // redelivery of the same message
    await deliver(id, [0, 0]); // and a batch holding it twice
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe("https://models.example.com/v1/completions");
    expect(calls[0]!.body).toMatchObject({ model: "served", temperature: 0, max_tokens: 50 });
    expect(calls[0]!.body.prompt).toContain("What is the best thing to do in San Francisco?");
    const run = await runRow(id);
    expect(run).toMatchObject({ done: 1, total: 1, status: "succeeded", finalize_count: 1 });
    const [probe] = await probeRows(id);
    expect(probe).toMatchObject({ status: "scored", attempts: 1, prompt_tokens: 1234, completion_tokens: 12 });
    expect(JSON.parse(probe!.scores_json as string).paper).toBeCloseTo(11 / 12, 6);
  });

  it("never calls the endpoint twice at once for one probe: a copy delivered mid-call begins nothing", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls = fakeUpstream(vi, async () => {
      await gate;
      return ok();
    });
    const { id } = await seedRun([1000], [50]);
    const first = deliver(id, [0]);
    await vi.waitUntil(() => calls.length === 1, { timeout: 10_000 });
    // The sweeper's re-send or an at-least-once redelivery arrives while the first call is out.
    const copy = await deliver(id, [0]);
    expect(copy.result.explicitAcks).toHaveLength(1);
    expect(calls).toHaveLength(1);
    release();
    await first;
    expect(calls).toHaveLength(1);
    expect((await probeRows(id))[0]).toMatchObject({ status: "scored", attempts: 1, attempt_until: null });
  });

  it("stores the SHA-256 of the exact prompt sent", async () => {
    const calls = fakeUpstream(vi, ok);
    const { id } = await seedRun([1000], [0]);
    await deliver(id, [0]);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(calls[0]!.body.prompt!));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect((await probeRows(id))[0]!.prompt_sha256).toBe(hex);
  });

  it.each([
    ["429 with Retry-After", () => new Response("slow down", { status: 429, headers: { "retry-after": "7" } }), 7],
    ["500", () => new Response("boom", { status: 500 }), null],
    ["503", () => new Response("{}", { status: 503 }), null],
    ["malformed JSON", () => new Response("{\"choices\": [", { status: 200 }), null],
    ["network error", () => Promise.reject(new TypeError("connection refused")), null],
  ])("retries %s with backoff, keeping the probe pending", async (name, reply, retryAfter) => {
    fakeUpstream(vi, reply as () => Response);
    // Each case on its own endpoint: a 429 pauses its endpoint's limiter (the later tests' too).
    const { id } = await seedRun([1000], [0], { ...MODEL, model: `served-${name}` });
    const { result, retries } = await deliver(id, [0], 3);
    expect(result.explicitAcks).toHaveLength(0);
    expect(result.retryMessages).toHaveLength(1);
    expect(retries[0]).toBeGreaterThanOrEqual(retryAfter ?? 1);
    if (retryAfter) expect(retries[0]).toBeLessThanOrEqual(retryAfter + 1);
    else expect(retries[0]).toBeLessThanOrEqual(8); // attempt 3: ceiling 8 s
    const [probe] = await probeRows(id);
    expect(probe).toMatchObject({ status: "pending", attempts: 1 });
    expect(probe!.error).toContain("attempt 3");
  });

  it("retries a call that times out", async () => {
    fakeUpstream(vi, hangUntilAborted);
    const { id } = await seedRun([1000], [0], { ...MODEL, request_timeout_s: 1 });
    const { result } = await deliver(id, [0]);
    expect(result.retryMessages).toHaveLength(1);
    expect((await probeRows(id))[0]!.error).toContain("timed out");
  });

  it.each([
    ["401", () => new Response(JSON.stringify({ error: { message: "bad key" } }), { status: 401 }), "failed"],
    ["404", () => new Response("no such model", { status: 404 }), "failed"],
    ["400 context overflow", () => new Response(JSON.stringify({ error: { message: "This model's maximum context length is 4096 tokens" } }), { status: 400 }), "unscorable"],
    ["empty reply cut by max_tokens", () => new Response(completionBody("", "length")), "unscorable"],
  ])("does not retry %s: the probe settles as %s", async (_name, reply, status) => {
    const calls = fakeUpstream(vi, reply);
    const { id } = await seedRun([1000], [0]);
    const { result } = await deliver(id, [0]);
    expect(result.retryMessages).toHaveLength(0);
    expect(calls).toHaveLength(1);
    const [probe] = await probeRows(id);
    expect(probe!.status).toBe(status);
    expect(probe!.error).toBeTruthy();
    const run = await runRow(id);
    expect(run).toMatchObject({ done: 1, status: status === "failed" ? "failed" : "succeeded" });
  });

  it("acks messages of cancelled runs without calling the endpoint", async () => {
    const calls = fakeUpstream(vi, ok);
    const { id } = await seedRun([1000], [0]);
    await env.DB.prepare("UPDATE runs SET status = 'cancelled' WHERE id = ?").bind(id).run();
    const { result } = await deliver(id, [0]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(calls).toHaveLength(0);
  });
});

/** The run's row once it has left "running" (or after 10 s), and a moment later, so a second finalizer would show. */
async function finalizedRow(id: string) {
  for (let i = 0; i < 200 && (await runRow(id))?.status === "running"; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  return runRow(id);
}

describe("finalizer", () => {
  it("runs exactly once when the last probe is delivered to two consumers at once", async () => {
    fakeUpstream(vi, ok);
    const { id } = await seedRun([1000], [0, 50, 100]);
    await deliver(id, [0, 1]);
    await Promise.all([deliver(id, [2]), deliver(id, [2]), deliver(id, [2])]);
    // A delivery refused a permit leaves the probe to the limiter, which re-sends it through the
    // queue: then the settle and the finalizer run in the queue's consumer, a moment after these.
    const run = await finalizedRow(id);
    expect(run).toMatchObject({ status: "succeeded", done: 3, finalize_count: 1 });
    const results = JSON.parse(run!.results_json as string);
    expect(results[0].scores.contains).toBe(100);
    expect(results[0].by_depth["50"].contains).toBe(100);
  });

  it("marks a run failed when every probe failed, with the first error", async () => {
    fakeUpstream(vi, () => new Response("forbidden", { status: 403 }));
    const { id } = await seedRun([1000], [0, 100]);
    await deliver(id, [0, 1]);
    const run = await runRow(id);
    expect(run).toMatchObject({ status: "failed", failed: 2, finalize_count: 1 });
    expect(run!.error).toContain("403");
  });
});

describe("the endpoint URL's DNS check before each call", () => {
  it("fails a probe whose endpoint name now resolves inside, without calling it", async () => {
    const calls = fakeUpstream(vi, ok);
    const { id } = await seedRun([1000], [0], { ...MODEL, base_url: "https://169.254.169.254.nip.io/v1" });
    await deliver(id, [0]);
    const [probe] = await probeRows(id);
    expect(probe).toMatchObject({ status: "failed" });
    expect(probe!.error).toBe("the endpoint URL is not allowed: host 169.254.169.254.nip.io resolves to 169.254.169.254, a cloud metadata address");
    expect(calls).toEqual([]);
  });

  it("retries a probe later when the resolver fails", async () => {
    const calls = fakeUpstream(vi, ok);
    const { id } = await seedRun([1000], [0], { ...MODEL, base_url: "https://servfail.example.net/v1" });
    const { retries } = await deliver(id, [0]);
    expect(retries).toHaveLength(1);
    const [probe] = await probeRows(id);
    expect(probe).toMatchObject({ status: "pending", error: "attempt 1: could not resolve servfail.example.net: the resolver answered SERVFAIL" });
    expect(calls).toEqual([]);
  });
});

describe("dead letters", () => {
  it("settle probes that exhausted their retries as failed, so the run finishes", async () => {
    fakeUpstream(vi, () => new Response("down", { status: 502 }));
    const { id } = await seedRun([1000], [0, 100]);
    await deliver(id, [0]);
    await deliver(id, [0], 1, "ctxprobe-probes-dlq");
    await deliver(id, [0], 1, "ctxprobe-probes-dlq"); // duplicate dead letter
    fakeUpstream(vi, ok);
    await deliver(id, [1]);
    const run = await runRow(id);
    expect(run).toMatchObject({ status: "succeeded", done: 2, failed: 1, finalize_count: 1 });
    const [failed] = await probeRows(id);
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed!.error).toContain("HTTP 502");
  });
});

describe("dispatch credits and the sweeper", () => {
  it("never hands out more than max_concurrency probes at once", async () => {
    const { id } = await seedRun([1000, 2000], [0, 50, 100]);
    const now = Date.now();
    const claims = await Promise.all([1, 2, 3, 4].map(() => claimProbes(env.DB, id, 2, now + 60_000, now)));
    expect(claims.flat().sort()).toEqual([0, 1]);
    expect(await claimProbes(env.DB, id, 2, now + 60_000, now)).toEqual([]);
  });

  it("re-dispatches probes whose lease expired and tops up credits", async () => {
    const sent: number[] = [];
    const { id } = await seedRun([1000], [0, 50, 100]);
    vi.spyOn(env.PROBES, "sendBatch").mockImplementation(async (msgs) => {
      for (const m of msgs) if ((m.body as { run_id: string }).run_id === id) sent.push((m.body as { idx: number }).idx);
      return undefined as unknown as QueueSendBatchResponse;
    });
    const past = Date.now() - 120_000;
    await claimProbes(env.DB, id, 2, past, past); // two probes dispatched long ago, messages lost
    await sweep(env);
    expect(sent.sort()).toEqual([0, 1]); // re-sent; no third one: both still hold their credits
    sent.length = 0;
    await sweep(env);
    expect(sent).toEqual([]); // leases are fresh again
  });

  it("finalizes a run whose probes all settled but which was never finalized", async () => {
    const { id } = await seedRun([1000], [0]);
    await env.DB.batch([
      env.DB.prepare("UPDATE probes SET status = 'scored', scores_json = '{\"paper\":1,\"rouge1\":1,\"contains\":1}' WHERE run_id = ?").bind(id),
      env.DB.prepare("UPDATE runs SET done = 1, status = 'running' WHERE id = ?").bind(id),
    ]);
    const report = await sweep(env);
    expect(report.finalized).toBeGreaterThanOrEqual(1);
    expect(await runRow(id)).toMatchObject({ status: "succeeded", finalize_count: 1 });
  });
});
