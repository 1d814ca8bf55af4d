// Preflight inside workerd: a vLLM-like endpoint passes every check and says what window it
// serves; a wrong tokenizer is flagged; an unreachable one names its URL; bad credentials are named;
// a URL the SSRF guard refuses is a 422 and nothing is sent.
import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { afterEach, describe, expect, it, vi } from "vitest";
import { answerStubDoh } from "../dns-stub";
import { api } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const model = (over: Record<string, unknown> = {}) => ({ name: "m", base_url: "https://models.example.com/v1", model: "served", tokenizer: "cl100k_base", context_window: 32768, ...over });

/** A vLLM-like server at models.example.com that counts prompts in cl100k_base (+1 for BOS); `status` overrides every POST. */
function vllmLike(options: { status?: number; down?: boolean } = {}) {
  const seen: string[] = [];
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const dns = answerStubDoh(request);
    if (dns) return dns;
    seen.push(`${request.method} ${new URL(request.url).pathname}`);
    await Promise.resolve(); // a network error arrives later, as a real fetch's does
    if (options.down) throw new TypeError("Network connection lost.");
    const path = new URL(request.url).pathname;
    if (request.method === "GET") {
      if (path === "/v1/models") return Response.json({ data: [{ id: "served", owned_by: "vllm", max_model_len: 16384 }] });
      if (path === "/version") return Response.json({ version: "0.6.3" });
      return new Response("not found", { status: 404 });
    }
    if (options.status) return Response.json({ error: { message: "invalid api key" } }, { status: options.status });
    const body = (await request.json()) as { prompt?: string; stream?: boolean; echo?: boolean };
    if (path === "/tokenize") return Response.json({ count: 2, max_model_len: 16384, tokens: [9906, 1917] });
    const ids = encode(body.prompt ?? "");
    if (body.echo) return Response.json({ choices: [{ text: "", logprobs: { token_logprobs: [null, ...ids.slice(1).map(() => -1), -1] } }], usage: { prompt_tokens: ids.length, completion_tokens: 1 } });
    if (body.stream) {
      const events = [`data: ${JSON.stringify({ choices: [{ text: "x", finish_reason: "length" }] })}\n\n`, `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: ids.length + 1, completion_tokens: 1 } })}\n\n`, "data: [DONE]\n\n"];
      return new Response(events.join(""), { headers: { "content-type": "text/event-stream" } });
    }
    return Response.json({ choices: [{ text: "x", finish_reason: "length" }], usage: { prompt_tokens: ids.length + 1, completion_tokens: 1 } });
  });
  return seen;
}

type Report = { ok: boolean; checks: { name: string; ok: boolean | null; detail: string }[]; window: number | null; tokenizer_agrees: boolean | null; token_ratio: number | null; serving: { engine: string | null } };
const check = async (body: unknown) => api("/v1/endpoints/check", { method: "POST", json: body });
const byName = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.name, c]));

describe("preflight", () => {
  it("passes a vLLM-like endpoint, and says what window it serves and what else it offers", async () => {
    vllmLike();
    const res = await check({ model: model() });
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    const c = byName(report);
    expect(report).toMatchObject({ ok: true, window: 16384, tokenizer_agrees: true, token_ratio: 1, discovered_window: null, serving: { engine: "vllm" } });
    expect(c.reachable!.ok && c.auth!.ok && c.model!.ok && c.api_completions!.ok && c.streaming!.ok && c.tokenize_route!.ok && c.prompt_logprobs!.ok).toBe(true);
    expect(c.window).toMatchObject({ ok: false, detail: "serves 16384 tokens; the run claims 32768" });
    expect(c.streaming!.detail).toBe("answers as server-sent events");
    expect(c.prompt_logprobs!.detail).toBe("echo form (loss runs work)");
  });

  it("flags a tokenizer that is not the server's", async () => {
    vllmLike();
    const report = (await (await check({ model: model({ tokenizer: "llama2" }) })).json()) as Report;
    expect(report.tokenizer_agrees).toBe(false);
    expect(report.ok).toBe(false);
    expect(report.token_ratio).toBeCloseTo(0.86, 1);
    expect(byName(report).tokenizer_agreement!.detail).toMatch(/^llama2 counts \d+ tokens for a fixed prompt, the server \d+; 0\.\d+ server tokens per llama2 token: the run's tokenizer is not the model's/);
  });

  it("names the URL of an endpoint it cannot reach, and bad credentials", async () => {
    vllmLike({ down: true });
    const down = (await (await check({ model: model() })).json()) as Report;
    expect(down.ok).toBe(false);
    expect(byName(down).reachable).toMatchObject({ ok: false, detail: expect.stringMatching(/^cannot reach https:\/\/models\.example\.com\/v1\/completions \(connection lost\)/) });
    expect(byName(down).streaming).toMatchObject({ ok: null, detail: "skipped: the endpoint cannot be used" });
    vllmLike({ status: 401 });
    const denied = (await (await check({ model: model({ api_key: "sk-wrong" }) })).json()) as Report;
    expect(byName(denied).auth).toMatchObject({ ok: false, detail: "HTTP 401: invalid api key" });
    expect(denied.ok).toBe(false);
  });

  it("adds the report to a dry run's plan with ?preflight=true", async () => {
    vllmLike();
    const res = await api("/v1/runs?dry_run=true&preflight=true", { method: "POST", json: { model: model(), suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] } });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as { probes: number; preflight: Report };
    expect(plan.probes).toBe(1);
    expect(plan.preflight).toMatchObject({ ok: true, window: 16384 });
    const without = (await (await api("/v1/runs?dry_run=true", { method: "POST", json: { model: model(), suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] } })).json()) as Record<string, unknown>;
    expect(without).not.toHaveProperty("preflight");
  });

  it("refuses a URL the SSRF guard refuses, naming /model/base_url, and sends nothing", async () => {
    const seen = vllmLike();
    const res = await check({ model: model({ base_url: "http://169.254.169.254/v1" }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(["/model/base_url"]);
    expect(seen).toEqual([]);
    expect((await check({ model: { name: "m" } })).status).toBe(422);
  });
});
