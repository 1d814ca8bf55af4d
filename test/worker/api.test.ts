// The HTTP API inside workerd: validation as RFC 9457 problems, planning, run resources,
// the OpenAPI document, cancel and the leaderboard.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, completionBody, createRun, fakeUpstream, hangUntilAborted, needleRun, REFERENCE_URL, waitForStatus } from "./helpers";

beforeEach(() => {
  fakeUpstream(vi, () => new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } }));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

async function problemOf(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { type: string; title: string; status: number; detail: string; errors?: { pointer: string; detail: string }[] };
}

describe("validation", () => {
  const cases: [string, unknown, string[]][] = [
    ["missing model", { suites: [{ type: "needle", preset: "quick" }] }, ["/model"]],
    ["bad api and tokenizer", needleRun({}, { api: "grpc", tokenizer: "gpt9" }), ["/model/api", "/model/tokenizer"]],
    ["non-http base_url", needleRun({}, { base_url: "ftp://x.example.com/v1" }), ["/model/base_url"]],
    ["unknown field", needleRun({ colour: "red" }), ["/colour"]],
    ["empty suites", needleRun({ suites: [] }), ["/suites"]],
    ["unknown suite type", needleRun({ suites: [{ type: "haystack" }] }), ["/suites/0/type"]],
    ["zero concurrency", needleRun({}, { max_concurrency: 0 }), ["/model/max_concurrency"]],
    ["negative prices", needleRun({}, { price_per_million_input: -1, price_per_million_cached_input: -0.5 }), ["/model/price_per_million_input", "/model/price_per_million_cached_input"]],
    ["length over the window", needleRun({ suites: [{ type: "needle", context_lengths: [1000, 200000], depth_percents: [0] }] }), ["/suites/0/context_lengths/1"]],
    ["depth over 100", needleRun({ suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 101] }] }), ["/suites/0/depth_percents/1"]],
    ["paper grid beyond a 32K window", needleRun({ suites: [{ type: "needle", preset: "paper" }] }, { context_window: 32768 }), ["/suites/0/preset"]],
    ["unknown corpus", needleRun({ suites: [{ type: "needle", preset: "quick", corpus: "nope" }] }), ["/suites/0/corpus"]],
  ];
  it.each(cases)("%s → 422 naming the field", async (_name, body, pointers) => {
    const res = await api("/v1/runs", { method: "POST", json: body });
    expect(res.status).toBe(422);
    const p = await problemOf(res);
    expect(p.status).toBe(422);
    expect(p.title).toBeTruthy();
    expect(p.errors!.map((e) => e.pointer)).toEqual(expect.arrayContaining(pointers));
  });

  it("dry runs refuse what a submission would, field by field", async () => {
    const body = needleRun({ suites: [{ type: "needle", context_lengths: [500000], depth_percents: [150] }] });
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: body });
    expect(res.status).toBe(422);
    expect((await problemOf(res)).errors!.map((e) => e.pointer)).toEqual(["/suites/0/context_lengths/0", "/suites/0/depth_percents/0"]);
    const loopback = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({}, { base_url: "http://[::ffff:127.0.0.1]/v1" }) });
    expect(loopback.status).toBe(422);
  });

  it("names every bad entry of a suite, not only the first", async () => {
    const body = needleRun({
      suites: [
        // Well-formed for the schema (integers), wrong for the grid: below the minimum, above the window, repeated.
        { type: "needle", corpus: "nope", context_lengths: [1000, 15, 200000, 1000], depth_percents: [0, -1, 50, 50] },
        { type: "needle", preset: "quick" },
        { type: "needle", context_lengths: [50] },
      ],
    });
    const p = await problemOf(await api("/v1/runs?dry_run=true", { method: "POST", json: body }));
    expect(p.errors!.map((e) => e.pointer)).toEqual([
      "/suites/0/corpus",
      "/suites/0/context_lengths/1",
      "/suites/0/context_lengths/2",
      "/suites/0/context_lengths/3",
      "/suites/0/depth_percents/1",
      "/suites/0/depth_percents/3",
      "/suites/2/depth_percents",
    ]);
    expect(p.detail).toBe("7 fields of the suites are invalid; see errors[]");
  });

  it("malformed JSON is a 400 problem, not a 5xx", async () => {
    const res = await api("/v1/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(400);
    await problemOf(res);
  });

  it("refuses loopback spellings other than the canonical ones, and private addresses", async () => {
    for (const base_url of ["http://0x7f.0.0.1:8000/v1", "http://10.0.0.8/v1", "http://169.254.169.254/latest"]) {
      const res = await api("/v1/runs", { method: "POST", json: needleRun({}, { base_url }) });
      expect(res.status, base_url).toBe(422);
      expect((await problemOf(res)).errors![0]!.pointer).toBe("/model/base_url");
    }
  });

  it("refuses host names that resolve inside, or do not resolve, naming the host", async () => {
    for (const [base_url, reason] of [
      ["https://169.254.169.254.nip.io/v1", "host 169.254.169.254.nip.io resolves to 169.254.169.254, a cloud metadata address"],
      ["https://chain.example.net/v1", "host chain.example.net resolves (via CNAME hop.example.net → inside.example.net) to 10.0.0.5, a private (RFC 1918) address; a self-hosted deployment can allow it with ALLOW_PRIVATE_ENDPOINTS=10.0.0.0/8"],
      ["https://nowhere.example.net/v1", "could not resolve nowhere.example.net: no such name (NXDOMAIN)"],
    ]) {
      const res = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({ webhook: { url: base_url } }, { base_url }) });
      expect(res.status, base_url).toBe(422);
      expect((await problemOf(res)).errors, base_url).toEqual([
        expect.objectContaining({ pointer: "/model/base_url", detail: reason }),
        expect.objectContaining({ pointer: "/webhook/url", detail: reason }),
      ]);
    }
  });

  it("refuses oversized bodies with 413", async () => {
    const res = await api("/v1/runs", { method: "POST", json: needleRun({}, { name: "x".repeat(300_000) }) });
    expect(res.status).toBe(413);
    await problemOf(res);
  });

  it("nothing is stored for a refused request", async () => {
    const before = ((await (await api("/v1/runs")).json()) as { data: unknown[] }).data.length;
    await api("/v1/runs", { method: "POST", json: needleRun({ suites: [] }) });
    const after = ((await (await api("/v1/runs")).json()) as { data: unknown[] }).data.length;
    expect(after).toBe(before);
  });
});

describe("runs", () => {
  it("dry_run plans the paper grid and sends nothing", async () => {
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({ suites: [{ type: "needle", preset: "paper" }] }) });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as { probes: number; prompt_tokens: number };
    expect(plan.probes).toBe(400);
    // 40 lengths averaging 64,500 tokens at 10 depths each.
    expect(plan.prompt_tokens).toBeGreaterThan(400 * 64_500 * 0.95);
    expect(plan.prompt_tokens).toBeLessThan(400 * 64_500 * 1.05);
    expect(((await (await api("/v1/runs")).json()) as { data: unknown[] }).data).toHaveLength(0);
  });

  it("dry runs price the run and estimate its time from the endpoint's history", async () => {
    const body = needleRun({}, { price_per_million_input: 3, price_per_million_output: 15 });
    const first = (await (await api("/v1/runs?dry_run=true", { method: "POST", json: body })).json()) as Record<string, any>;
    expect(first.max_completion_tokens).toBe(6 * 50);
    expect(first.cost_usd).toBeCloseTo((first.prompt_tokens * 3 + 300 * 15) / 1e6, 9);
    expect(first.time_s).toBeNull();
    const { id } = await createRun(body);
    const run = (await waitForStatus(id, ["succeeded"])) as { usage: { prompt_tokens: number; completion_tokens: number; cost_usd: number } };
    expect(run.usage.cost_usd).toBeCloseTo((run.usage.prompt_tokens * 3 + run.usage.completion_tokens * 15) / 1e6, 9);
    const second = (await (await api("/v1/runs?dry_run=true", { method: "POST", json: body })).json()) as Record<string, any>;
    expect(typeof second.time_s).toBe("number");
    expect(second.time_basis).toContain("earlier probes");
    expect(second.time_basis).toMatch(/repl(y|ies)/); // the completion tokens of those probes were read and used
  });

  it("bills the prompt tokens the endpoint served from its cache at the cached-input price", async () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010, prompt_tokens_details: { cached_tokens: 600 } };
    fakeUpstream(vi, () => new Response(JSON.stringify({ id: "c", object: "text_completion", choices: [{ index: 0, text: "eat a sandwich", finish_reason: "stop" }], usage })));
    const { id } = await createRun(needleRun({}, { price_per_million_input: 3, price_per_million_cached_input: 0.3, price_per_million_output: 15 }));
    const run = (await waitForStatus(id, ["succeeded"])) as { usage: Record<string, number>; model: Record<string, unknown> };
    expect(run.usage).toMatchObject({ prompt_tokens: 6000, cached_tokens: 3600, cached_ratio: 0.6, completion_tokens: 60 });
    expect(run.usage.cost_usd).toBeCloseTo((2400 * 3 + 3600 * 0.3 + 60 * 15) / 1e6, 9);
    expect(run.model.price_per_million_cached_input).toBe(0.3);
  });

  it("POST answers 202 with Location and the run, without the api_key", async () => {
    const res = await api("/v1/runs", { method: "POST", json: needleRun({}, { api_key: "sk-secret-marker" }) });
    expect(res.status).toBe(202);
    const run = (await res.json()) as { id: string; status: string; progress: { total: number }; model: Record<string, unknown> };
    expect(res.headers.get("location")).toBe(`/v1/runs/${run.id}`);
    expect(run.status).toBe("queued");
    expect(run.progress.total).toBe(6);
    expect(run.model).not.toHaveProperty("api_key");
    expect(JSON.stringify(run)).not.toContain("sk-secret-marker");
    await waitForStatus(run.id, ["succeeded"]);
    const again = await (await api(`/v1/runs/${run.id}`)).text();
    expect(again).not.toContain("sk-secret-marker");
  });

  it("the same Idempotency-Key and body return the same run; another body is refused", async () => {
    const headers = { "idempotency-key": "key-123" };
    const first = (await (await api("/v1/runs", { method: "POST", headers, json: needleRun() })).json()) as { id: string };
    const second = await api("/v1/runs", { method: "POST", headers, json: needleRun() });
    expect(second.status).toBe(202);
    expect(((await second.json()) as { id: string }).id).toBe(first.id);
    const third = await api("/v1/runs", { method: "POST", headers, json: needleRun({ public: false }) });
    expect(third.status).toBe(422);
    expect((await problemOf(third)).type).toContain("idempotency-key-reused");
  });

  it("a finished run shows scores, probes, heatmap and appears on the leaderboard", async () => {
    const { id } = await createRun(needleRun());
    const run = (await waitForStatus(id, ["succeeded"])) as { suites: { scores: Record<string, number> }[]; progress: { done: number; total: number } };
    expect(run.progress).toMatchObject({ done: 6, total: 6 });
    expect(run.suites[0]!.scores.paper).toBeCloseTo(91.67, 2);
    expect(run.suites[0]!.scores.contains).toBe(100);

    const page1 = (await (await api(`/v1/runs/${id}/probes?limit=4`)).json()) as { data: Record<string, unknown>[]; next_cursor: string };
    expect(page1.data).toHaveLength(4);
    const page2 = (await (await api(`/v1/runs/${id}/probes?limit=4&cursor=${page1.next_cursor}`)).json()) as { data: Record<string, unknown>[]; next_cursor: string | null };
    expect(page2.data.map((p) => p.idx)).toEqual([4, 5]);
    expect(page2.next_cursor).toBeNull();
    const probe = page1.data[0]!;
    // Deepest needle position first, across lengths; depth 0 last (prefix-cache-aware order).
    expect(probe).toMatchObject({ idx: 0, suite: 0, context_length: 2000, depth_percent: 100, status: "scored", prompt_tokens: 1234, completion_tokens: 12 });
    expect(page1.data.map((p) => [p.context_length, p.depth_percent])).toEqual([[2000, 100], [2000, 50], [1000, 100], [1000, 50]]);
    expect(page2.data.map((p) => [p.context_length, p.depth_percent])).toEqual([[2000, 0], [1000, 0]]);
    // 1,800 haystack tokens + the template: the fake's 1234 is far off, so the probe is flagged.
    expect(probe.constructed_tokens).toBe(1800);
    expect(probe.expected_prompt_tokens).toBe(1844);
    expect(probe.token_mismatch).toBe(true);
    expect(probe.prompt_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof probe.latency_ms).toBe("number");

    const heatmap = (await (await api(`/v1/runs/${id}/heatmap?metric=contains`)).json()) as { context_lengths: number[]; depth_percents: number[]; scores: number[][] };
    expect(heatmap.context_lengths).toEqual([1000, 2000]);
    expect(heatmap.depth_percents).toEqual([0, 50, 100]);
    expect(heatmap.scores).toEqual([[1, 1], [1, 1], [1, 1]]);

    const board = (await (await api("/v1/leaderboard")).json()) as { data: { run_id: string; suites: Record<string, Record<string, number>> }[] };
    const row = board.data.find((r) => r.run_id === id)!;
    expect(row.suites.needle!.paper).toBeCloseTo(91.67, 2);
  });

  it("rebuilds each probe's exact prompt, hashing to the stored prompt_sha256", async () => {
    const { id } = await createRun(needleRun());
    await waitForStatus(id, ["succeeded"]);
    for (const idx of [0, 4]) {
      const probe = (await (await api(`/v1/runs/${id}/probes/${idx}`)).json()) as { prompt_sha256: string; context_length: number };
      const rebuilt = (await (await api(`/v1/runs/${id}/probes/${idx}/prompt`)).json()) as { prompt: string; prompt_sha256: string; api: string };
      expect(rebuilt.api).toBe("completions");
      expect(rebuilt.prompt).toContain("Dolores Park");
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rebuilt.prompt));
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      expect(rebuilt.prompt_sha256).toBe(hex);
      expect(probe.prompt_sha256).toBe(hex);
    }
    expect((await api(`/v1/runs/${id}/probes/99`)).status).toBe(404);
    expect((await api(`/v1/runs/${id}/probes/99/prompt`)).status).toBe(404);
  });

  it("private runs stay off the leaderboard", async () => {
    const { id } = await createRun(needleRun({ public: false }));
    await waitForStatus(id, ["succeeded"]);
    const board = (await (await api("/v1/leaderboard")).json()) as { data: { run_id: string }[] };
    expect(board.data.map((r) => r.run_id)).not.toContain(id);
  });

  it("unknown run, bad cursor and bad metric are problems", async () => {
    expect((await api("/v1/runs/run_nope")).status).toBe(404);
    expect((await api("/v1/runs/run_nope/probes")).status).toBe(404);
    const { id } = await createRun(needleRun());
    expect((await api(`/v1/runs/${id}/probes?cursor=%%%`)).status).toBe(422);
    expect((await api(`/v1/runs/${id}/heatmap?metric=bleu`)).status).toBe(422);
    expect((await api(`/v1/runs/${id}/probes?limit=-1`)).status).toBe(422);
    await waitForStatus(id, ["succeeded"]);
  });

  it("runs page newest first with a cursor", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createRun(needleRun())).id);
    const p1 = (await (await api("/v1/runs?limit=2")).json()) as { data: { id: string }[]; next_cursor: string };
    const p2 = (await (await api(`/v1/runs?limit=2&cursor=${p1.next_cursor}`)).json()) as { data: { id: string }[] };
    const seen = [...p1.data, ...p2.data].map((r) => r.id);
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    for (const id of ids) await waitForStatus(id, ["succeeded"]);
  });
});

describe("cancel", () => {
  it("stops a running run and refuses to cancel twice", async () => {
    vi.unstubAllGlobals();
    // An endpoint that never answers in time keeps probes in flight.
    fakeUpstream(vi, hangUntilAborted);
    const { id } = await createRun(needleRun({}, { request_timeout_s: 5 }));
    const res = await api(`/v1/runs/${id}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    const run = (await res.json()) as { status: string };
    expect(run.status).toBe("cancelled");
    const probes = (await (await api(`/v1/runs/${id}/probes`)).json()) as { data: { status: string }[] };
    expect(new Set(probes.data.map((p) => p.status))).toEqual(new Set(["cancelled"]));
    const again = await api(`/v1/runs/${id}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);
  });
});

describe("documents", () => {
  it("serves an OpenAPI 3.1 document generated from the request schemas", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/runs", "/v1/runs/{id}", "/v1/runs/{id}/probes", "/v1/runs/{id}/heatmap", "/v1/runs/{id}/cancel", "/v1/leaderboard"]),
    );
    expect(doc.components.schemas).toHaveProperty("CreateRunRequest");
    expect(JSON.stringify(doc.components.schemas.ModelSpec)).toContain("context_window");
  });

  it("serves a human docs page", async () => {
    const html = await (await api("/docs")).text();
    expect(html).toContain("POST /v1/runs");
    expect(html).toContain("CreateRunRequest");
  });

  it("the reference models answer as an OpenAI-compatible API", async () => {
    const models = (await (await api("/reference/v1/models")).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(["extractive-128k", "extractive-4k"]));
    expect(REFERENCE_URL).toContain("/reference/v1");
  });
});
