// Shared helpers for tests that run inside workerd against the real Worker and local D1/Queues.
import { env, exports } from "cloudflare:workers";
import { answerStubDoh } from "../dns-stub";

export const ORIGIN = "http://ctxprobe.test";
export const REFERENCE_URL = `${ORIGIN}/reference/v1`;

/** The admin token bound in vitest.config.ts. */
export const ADMIN_TOKEN = "ctp_test_admin_token";

/**
 * Calls the Worker. Sends the admin token unless `token` says otherwise: a string is sent as the
 * bearer token, null sends no Authorization header (an explicit header in `headers` also wins).
 */
export function api(path: string, init: RequestInit & { json?: unknown; token?: string | null } = {}): Promise<Response> {
  const { json, token = ADMIN_TOKEN, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("content-type", "application/json");
  if (token !== null && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...rest, headers, body: json === undefined ? rest.body : JSON.stringify(json) }));
}

export function needleRun(overrides: Record<string, unknown> = {}, model: Record<string, unknown> = {}) {
  return {
    model: {
      name: "test-model",
      base_url: "https://models.example.com/v1",
      api: "completions",
      model: "served",
      tokenizer: "cl100k_base",
      context_window: 131072,
      max_concurrency: 4,
      request_timeout_s: 30,
      ...model,
    },
    suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 50, 100] }],
    public: true,
    ...overrides,
  };
}

export async function createRun(body: unknown): Promise<{ id: string; [k: string]: unknown }> {
  const res = await api("/v1/runs", { method: "POST", json: body });
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string };
}

export async function runRow(id: string) {
  return env.DB.prepare("SELECT * FROM runs WHERE id = ?").bind(id).first<Record<string, number | string | null>>();
}

export async function probeRows(id: string) {
  const { results } = await env.DB.prepare("SELECT * FROM probes WHERE run_id = ? ORDER BY idx").bind(id).all<Record<string, number | string | null>>();
  return results;
}

/** OpenAI-style completion body, as a real server would send it. */
export function completionBody(text: string, finish = "stop") {
  return JSON.stringify({
    id: "cmpl-1",
    object: "text_completion",
    choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: 1234, completion_tokens: 12, total_tokens: 1246 },
  });
}

export interface UpstreamCall {
  url: string;
  method: string;
  signal: AbortSignal;
  headers: Headers;
  body: { model: string; prompt?: string; messages?: unknown[]; max_tokens: number; temperature: number };
}

/**
 * Stands in for a user's endpoint at https://models.example.com: the Worker's outbound fetch runs
 * in this isolate, so a spy on fetch intercepts it and no traffic leaves the machine. The SSRF
 * guard's DNS-over-HTTPS lookups (DNS_RESOLVER_URL in vitest.config.ts) go through the same global
 * fetch; they are answered from the stub zone in test/dns-stub.ts.
 */
/**
 * A run's preflight calls (marked with x-ctxprobe-purpose) are answered here, unseen by `handler`
 * and not in the returned calls, unless `preflight: "pass"`: they answer like a server that reports
 * no usage (nothing to compare, nothing blocks). GETs (the serving fingerprint) get 404.
 */
export function fakeUpstream(vi: typeof import("vitest").vi, handler: (call: UpstreamCall) => Response | Promise<Response>, options: { preflight?: "answer" | "pass" } = {}): UpstreamCall[] {
  const calls: UpstreamCall[] = [];
  // stubGlobal rather than spyOn: a spy would track rejected promises and report them unhandled.
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const dns = answerStubDoh(request);
    if (dns) return dns;
    if (new URL(request.url).hostname !== "models.example.com") throw new Error(`unexpected outbound fetch to ${request.url}`);
    if (request.headers.get("x-ctxprobe-purpose") === "preflight" && options.preflight !== "pass") return plainPreflightAnswer(request);
    // A GET without "pass" (a fingerprint or info route) fails here, unrecorded, as against a server without those routes.
    const body = request.method === "GET" && options.preflight === "pass" ? null : await request.json();
    const call = { url: request.url, method: request.method, signal: request.signal, headers: request.headers, body: body as UpstreamCall["body"] };
    calls.push(call);
    return await handler(call); // awaited here so a rejection is handled at once
  });
  return calls;
}

function plainPreflightAnswer(request: Request): Response {
  if (request.method !== "POST") return new Response("not found", { status: 404 });
  const choice = request.url.endsWith("/chat/completions") ? { message: { role: "assistant", content: "" }, finish_reason: "length" } : { text: "", finish_reason: "length" };
  return Response.json({ choices: [choice] });
}

export async function waitForStatus(id: string, statuses: string[], timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await api(`/v1/runs/${id}`)).json()) as Record<string, unknown>;
    if (statuses.includes(run.status as string)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${String(run.status)} after ${timeoutMs} ms: ${JSON.stringify(run.progress)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An endpoint that never answers: the call ends only when the client's timeout aborts it. */
export const hangUntilAborted = (call: UpstreamCall) =>
  new Promise<Response>((_, reject) => call.signal.addEventListener("abort", () => reject(call.signal.reason ?? new DOMException("aborted", "AbortError"))));
