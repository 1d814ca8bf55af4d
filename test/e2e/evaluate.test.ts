// The whole service for real: wrangler dev (workerd, local D1, local queue, Durable Object),
// evaluating endpoints this test serves on loopback, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allProbes, bearer, getJson, startFakeEndpoint, startService, waitForRun, type FakeEndpoint } from "./support";

const NEEDLE_ANSWER = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";

let service: Awaited<ReturnType<typeof startService>>;
let endpoint: FakeEndpoint;

beforeAll(async () => {
  service = await startService();
  endpoint = await startFakeEndpoint(() => NEEDLE_ANSWER);
});

afterAll(async () => {
  await endpoint?.close();
  service?.cleanup();
});

async function submit(body: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${service.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", ...bearer(service.adminToken) }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
  expect(res.headers.get("location")).toMatch(/^\/v1\/runs\/run_/);
  return (await res.json()) as Record<string, any>;
}

describe("a run against an external OpenAI-compatible endpoint", () => {
  it("sends every probe exactly once and reports it everywhere", async () => {
    const run = await submit({
      model: { name: "fake-7b@step1", base_url: endpoint.url, api: "completions", model: "fake", api_key: "sk-e2e-marker", tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 3, request_timeout_s: 30 },
      suites: [{ type: "needle", context_lengths: [1000, 8000], depth_percents: [0, 50, 100] }],
      public: true,
    });
    const done = await waitForRun(service.url, run.id, undefined, service.adminToken);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({ total: 6, done: 6, failed: 0 });
    expect(done.suites[0].scores.paper).toBeCloseTo(91.67, 2);

    const mine = endpoint.calls.filter((c) => c.body.model === "fake");
    expect(mine).toHaveLength(6);
    expect(new Set(mine.map((c) => c.sha256)).size).toBe(6);
    expect(mine.every((c) => c.path === "/v1/completions" && c.body.temperature === 0 && c.body.max_tokens === 50)).toBe(true);
    expect(mine.every((c) => c.authorization === "Bearer sk-e2e-marker")).toBe(true);

    const probes = await allProbes(service.url, run.id, service.adminToken);
    expect(probes.map((p) => p.prompt_sha256).sort()).toEqual(mine.map((c) => c.sha256).sort());
    expect(probes.every((p) => p.status === "scored" && p.attempts === 1)).toBe(true);

    const heatmap = await getJson(`${service.url}/v1/runs/${run.id}/heatmap?metric=paper`);
    expect(heatmap.scores).toHaveLength(3);
    expect(heatmap.scores.flat().every((s: number) => Math.abs(s - 11 / 12) < 1e-9)).toBe(true);

    const board = await getJson(`${service.url}/v1/leaderboard`);
    expect(board.data.some((r: { run_id: string }) => r.run_id === run.id)).toBe(true);
    const everything = JSON.stringify([done, probes, board]);
    expect(everything).not.toContain("sk-e2e-marker");
  });

  it("uses the paper's chat messages and max_tokens 300 for chat endpoints", async () => {
    const run = await submit({
      model: { name: "fake-chat", base_url: endpoint.url, api: "chat", model: "fake-chat", tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 2, request_timeout_s: 30 },
      suites: [{ type: "needle", context_lengths: [2000], depth_percents: [50] }],
      public: false,
    });
    expect((await waitForRun(service.url, run.id, undefined, service.adminToken)).status).toBe("succeeded");
    const [call] = endpoint.calls.filter((c) => c.body.model === "fake-chat");
    expect(call!.path).toBe("/v1/chat/completions");
    expect(call!.body.max_tokens).toBe(300);
    expect(call!.body.messages!.map((m) => m.role)).toEqual(["system", "user", "user", "assistant"]);
  });
});

describe("the built-in reference models", () => {
  it("are evaluated over real HTTP when addressed by another origin, and separate near from far", async () => {
    // localhost ≠ 127.0.0.1 as an origin, so these calls leave the Worker and come back over HTTP.
    const base_url = `http://localhost:${service.port}/reference/v1`;
    const grid = { type: "needle", context_lengths: [1000, 16000], depth_percents: [0, 100] };
    const long = await submit({ model: { name: "ref-128k", base_url, model: "extractive-128k", max_concurrency: 4 }, suites: [grid] });
    const short = await submit({ model: { name: "ref-4k", base_url, model: "extractive-4k", max_concurrency: 4 }, suites: [grid] });
    const [l, s] = [await waitForRun(service.url, long.id, undefined, service.adminToken), await waitForRun(service.url, short.id, undefined, service.adminToken)];
    expect(l.status).toBe("succeeded");
    expect(l.reference).toBe(false); // only the service's own origin counts as built-in
    expect(l.suites[0].scores.contains).toBe(100);
    expect((await allProbes(service.url, long.id, service.adminToken)).every((p) => typeof p.ttft_ms === "number")).toBe(true);
    const heat = await getJson(`${service.url}/v1/runs/${short.id}/heatmap?metric=contains`);
    // rows: depth 0, 100; columns: 1K, 16K. The 4K-window model loses the needle at depth 0 of 16K.
    expect(heat.scores).toEqual([[1, 0], [1, 1]]);
    expect(s.status).toBe("succeeded");
    // Effective context length, computed by the service: 16K for the full reader, 1K for the 4K window.
    expect(l.suites[0].effective_context_length.length).toBe(16000);
    expect(s.suites[0].effective_context_length.length).toBe(1000);
    const board = await getJson(`${service.url}/v1/leaderboard`);
    expect(board.data.find((r: { run_id: string }) => r.run_id === short.id).effective_context_length).toBe(1000);
  });

  it("are routed inside the Worker when addressed by the service's own origin, and marked as reference", async () => {
    const run = await submit({
      model: { name: "ref-internal", base_url: `${service.url}/reference/v1`, model: "extractive-128k", max_concurrency: 4 },
      suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 50] }],
    });
    const done = await waitForRun(service.url, run.id, undefined, service.adminToken);
    expect(done.status).toBe("succeeded");
    expect(done.reference).toBe(true);
    // The reference models stream: every probe has a time to first token.
    const probes = await allProbes(service.url, run.id, service.adminToken);
    expect(probes.every((p) => typeof p.ttft_ms === "number" && p.prompt_tokens > 0)).toBe(true);
    const board = await getJson(`${service.url}/v1/leaderboard`);
    expect(board.data.find((r: { run_id: string }) => r.run_id === run.id).reference).toBe(true);
  });
});
