// One tenant cannot hurt another, for real: wrangler dev calls an endpoint this test runs on
// loopback that answers the probe of one run with a 50 MB JSON reply and the probe of another with
// a single 50 MB server-sent event. Meanwhile the test keeps reading the service (a run's
// status, the leaderboard) and submits a well-behaved run. Every read must answer 200 (a per-request
// abort timeout only detects a stuck service; no latency is asserted), the hostile probes end
// unscorable with the cap's reason after one call each, and the well-behaved run completes.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_REPLY_BYTES } from "../../src/lifecycle/endpoint/bounded-body";
import { allProbes, bearer, freePort, startFakeEndpoint, startService, waitForRun, type FakeEndpoint } from "./support";

const NEEDLE_ANSWER = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";
const HOSTILE_BYTES = 50 * 1024 * 1024;
// A failure detector only: before the caps such replies held the service for minutes, or brought
// workerd down. Reads that land right after the attack can still wait a second or two before they
// reach the Worker (wrangler logs them as fast): wrangler dev's proxy is busy then, most likely
// relaying the inspector's network events for every 4 KB chunk read, more so on 2 busy cores.
const READ_TIMEOUT_MS = 10_000;

interface HostileEndpoint {
  url: string;
  /** Calls per model name ("json-bomb", "sse-bomb"). */
  calls: Record<string, number>;
  /** Bytes written per reply before the service hung up (or all of them). */
  sent: number[];
  /** When the first hostile call arrived and the last hostile reply ended (ms since the epoch). */
  firstCallAt: number;
  lastEndAt: number;
  close(): Promise<void>;
}

/** Writes `head`, then "a" up to HOSTILE_BYTES, then `tail`, honouring backpressure; stops when the client hangs up. */
async function writeHuge(res: import("node:http").ServerResponse, head: string, tail: string): Promise<number> {
  const filler = Buffer.alloc(1024 * 1024, 0x61);
  let sent = 0;
  let closed = false;
  res.on("close", () => (closed = true));
  res.write(head);
  while (sent < HOSTILE_BYTES && !closed) {
    sent += filler.length;
    if (!res.write(filler)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off("drain", go);
          res.off("close", go);
          resolve();
        };
        res.on("drain", go);
        res.on("close", go);
      });
    }
  }
  if (!closed) res.end(tail);
  return sent;
}

async function startHostileEndpoint(): Promise<HostileEndpoint> {
  const endpoint: HostileEndpoint = { url: "", calls: {}, sent: [], firstCallAt: 0, lastEndAt: 0, close: async () => undefined };
  const server: Server = createServer(async (req, res) => {
    // The service asks a new run's endpoint about itself (GET /v1/models, /version, /info …): this one has no such routes.
    if (req.method === "GET") {
      res.statusCode = 404;
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { model } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { model: string };
    // A run's preflight (marked) meets the same bomb, read to the same cap; the probes' calls are counted apart.
    const key = req.headers["x-ctxprobe-purpose"] === "preflight" ? `${model}:preflight` : model;
    endpoint.calls[key] = (endpoint.calls[key] ?? 0) + 1;
    endpoint.firstCallAt ||= Date.now();
    if (model === "sse-bomb") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      endpoint.sent.push(await writeHuge(res, 'data: {"choices":[{"index":0,"text":"', '","finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'));
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      endpoint.sent.push(await writeHuge(res, '{"choices":[{"index":0,"text":"', '","finish_reason":"stop"}]}'));
    }
    endpoint.lastEndAt = Date.now();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  endpoint.url = `http://127.0.0.1:${port}/v1`;
  endpoint.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return endpoint;
}

let service: Awaited<ReturnType<typeof startService>>;
let hostile: HostileEndpoint;
let good: FakeEndpoint;

beforeAll(async () => {
  [service, hostile, good] = await Promise.all([startService(), startHostileEndpoint(), startFakeEndpoint(() => NEEDLE_ANSWER)]);
});

afterAll(async () => {
  await hostile?.close();
  await good?.close();
  service?.cleanup();
});

async function submit(name: string, baseUrl: string, depths: number[]): Promise<string> {
  const res = await fetch(`${service.url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(service.adminToken) },
    body: JSON.stringify({
      model: { name, base_url: baseUrl, api: "completions", model: name, tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 2, request_timeout_s: 60 },
      suites: [{ type: "needle", context_lengths: [1000], depth_percents: depths }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/**
 * Reads the service until `stop()` says so and every run has been read once (a quick run can finish
 * between two rounds of reads): each run's status and the leaderboard, each with an abort timeout.
 */
function keepReading(runIds: string[], stop: () => boolean) {
  const reads: { path: string; status: number | string; start: number; end: number }[] = [];
  const everyRunRead = () => runIds.every((id) => reads.some((r) => r.path === `/v1/runs/${id}`));
  const loop = (async () => {
    while (!stop() || !everyRunRead()) {
      for (const path of [...runIds.map((id) => `/v1/runs/${id}`), "/v1/leaderboard"]) {
        const start = Date.now();
        const status = await fetch(`${service.url}${path}`, { headers: bearer(service.adminToken), signal: AbortSignal.timeout(READ_TIMEOUT_MS) })
          .then(async (res) => (await res.arrayBuffer(), res.status))
          .catch((error: unknown) => (error instanceof Error ? error.name : String(error)));
        reads.push({ path, status, start, end: Date.now() });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { reads, loop };
}

describe("endpoints that answer 50 MB", () => {
  it("cannot stall the service or the queue: reads answer, hostile probes end unscorable once, another run completes", async () => {
    // Warm up first (tokenizer loaded, corpus tokenized in the isolate): a cold first build takes
    // seconds of CPU with or without an attack, and is not what this test is about.
    const warm = await submit("warm-up", good.url, [50]);
    expect((await waitForRun(service.url, warm, 120_000, service.adminToken)).status).toBe("succeeded");
    const runIds: string[] = [];
    let finished = false;
    const reader = keepReading(runIds, () => finished);
    try {
      runIds.push(await submit("json-bomb", hostile.url, [50]), await submit("sse-bomb", hostile.url, [50]));
      // The attack is under way: submit a well-behaved run now.
      const deadline = Date.now() + 60_000;
      while ((hostile.calls["json-bomb"] ?? 0) + (hostile.calls["sse-bomb"] ?? 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      runIds.push(await submit("well-behaved", good.url, [0, 25, 50, 75, 100]));
      const [jsonRun, sseRun, goodRun] = await Promise.all(runIds.map((id) => waitForRun(service.url, id, 120_000, service.adminToken)));

      expect(goodRun!.status).toBe("succeeded");
      expect(goodRun!.progress).toMatchObject({ total: 5, failed: 0, unscorable: 0 });
      for (const [run, model] of [[jsonRun!, "json-bomb"], [sseRun!, "sse-bomb"]] as const) {
        expect(run.progress, model).toMatchObject({ total: 1, unscorable: 1, failed: 0 });
        for (const probe of await allProbes(service.url, run.id as string, service.adminToken)) {
          expect(probe, model).toMatchObject({ status: "unscorable", attempts: 1 });
          expect(probe.error, model).toMatch(new RegExp(`^the endpoint's reply exceeded ${DEFAULT_MAX_REPLY_BYTES} bytes; reading stopped there`));
        }
        // One call, and one preflight call (its "Hello" met the same bomb): no retry storm.
        expect(hostile.calls[model], model).toBe(1);
        expect(hostile.calls[`${model}:preflight`], model).toBe(1);
      }
      // The service hung up on every reply long before its 50 MB (the rest stayed in socket buffers at most).
      for (const wait = Date.now() + 10_000; hostile.sent.length < 4 && Date.now() < wait; ) await new Promise((r) => setTimeout(r, 50));
      expect(hostile.sent).toHaveLength(4);
      for (const sent of hostile.sent) expect(sent).toBeLessThan(HOSTILE_BYTES);
    } finally {
      finished = true;
      await reader.loop;
    }
    // Every read answered, and the reads spanned the attack: one began before the first hostile
    // call, one ended after the last hostile reply, and each run was read.
    expect(reader.reads.filter((r) => r.status !== 200)).toEqual([]);
    expect(reader.reads.some((r) => r.start <= hostile.firstCallAt)).toBe(true);
    expect(reader.reads.some((r) => r.end >= hostile.lastEndAt)).toBe(true);
    for (const id of runIds) expect(reader.reads.some((r) => r.path === `/v1/runs/${id}`), id).toBe(true);
  });
});
