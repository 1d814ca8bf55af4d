import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callEndpoint, type CallOutcome } from "../../../src/lifecycle/endpoint/client";
import type { BuiltPrompt } from "../../../src/probes/types";
import { DEFAULT_MIX, drawFault, FAULT_KINDS, HANG_MAX_MS, parseFaultModel, resetFaultDraws, type FaultPlan } from "../../../src/reference/faults";
import { referenceRoutes } from "../../../src/reference/routes";
import { LIGHTHOUSE_BOOK } from "./book";
import { insertNeedle, NEEDLE, needleCompletionPrompt } from "./haystack";

const app = new Hono().route("/reference/v1", referenceRoutes);
const BASE = "http://localhost/reference/v1";
const PROMPT = needleCompletionPrompt(insertNeedle(LIGHTHOUSE_BOOK, 50));

function complete(model: string, extra: Record<string, unknown> = {}, init: RequestInit = {}) {
  return app.request(`${BASE}/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, prompt: PROMPT, max_tokens: 50, ...extra }),
    ...init,
  });
}

/** The service's own client, calling this app in-process the way the queue consumer does. */
function callVia(model: string, stream: boolean, timeoutMs = 5_000): Promise<CallOutcome> {
  const prompt: BuiltPrompt = { api: "completions", prompt: PROMPT };
  return callEndpoint({ baseUrl: BASE, model, timeoutMs }, prompt, 50, (request) => Promise.resolve(app.fetch(request)), { stream });
}

beforeEach(() => resetFaultDraws());
afterEach(() => vi.useRealTimers());

describe("parseFaultModel", () => {
  it("leaves plain model names alone", () => {
    expect(parseFaultModel("extractive-128k")).toEqual({ base: "extractive-128k", plan: null });
  });

  it("shares a total rate out by the default mix, explicit kinds overriding their share", () => {
    const { base, plan } = parseFaultModel("extractive-4k+faults=0.3,hang=0,latency=250,seed=7,retry_after=2");
    expect(base).toBe("extractive-4k");
    expect(plan!.rates["429"]).toBeCloseTo(0.3 * DEFAULT_MIX["429"], 12);
    expect(plan!.rates.truncated).toBeCloseTo(0.3 * DEFAULT_MIX.truncated, 12);
    expect(plan!.rates.hang).toBe(0);
    expect(plan).toMatchObject({ latencyMs: 250, seed: 7, retryAfterS: 2 });
  });

  it("reads per-kind rates and defaults the rest to zero", () => {
    const { plan } = parseFaultModel("extractive-128k+429=0.1,5xx=.1,malformed=0.05");
    expect(plan!.rates).toEqual({ "429": 0.1, "5xx": 0.1, malformed: 0.05, truncated: 0, hang: 0 });
    expect(plan).toMatchObject({ latencyMs: 0, retryAfterS: 1, seed: null, tokenizeRoute: true });
  });

  it("turns the tokenize route off with tokenize=off, and nothing else", () => {
    const { base, plan } = parseFaultModel("extractive-128k+tokenize=off");
    expect(base).toBe("extractive-128k");
    expect(plan).toMatchObject({ tokenizeRoute: false, rates: { "429": 0, "5xx": 0, malformed: 0, truncated: 0, hang: 0 } });
    expect(parseFaultModel("extractive-128k+tokenize=on").plan!.tokenizeRoute).toBe(true);
    expect(() => parseFaultModel("extractive-128k+tokenize=no")).toThrow(/on or off/);
  });

  it("sizes the simulated prefix cache with cache=N, and nothing else", () => {
    const { plan } = parseFaultModel("extractive-128k+cache=131072");
    expect(plan).toMatchObject({ cacheTokens: 131072, tokenizeRoute: true, rates: { "429": 0, "5xx": 0, malformed: 0, truncated: 0, hang: 0 } });
    expect(parseFaultModel("extractive-128k+faults=0.1").plan!.cacheTokens).toBeNull();
  });

  it.each([
    ["extractive-128k+", /empty/],
    ["extractive-128k+faults", /key=value/],
    ["extractive-128k+faults=1.5", /rate/],
    ["extractive-128k+faults=-0.1", /rate/],
    ["extractive-128k+429=0.6,5xx=0.6", /sum/],
    ["extractive-128k+faults=0.1,faults=0.2", /twice/],
    ["extractive-128k+latency=fast", /whole number/],
    ["extractive-128k+f500=0.1", /unknown fault parameter 'f500'/],
    ["extractive-128k+cache=lots", /'cache' must be a whole number of tokens/],
    ["extractive-128k+cache=99999999", /up to 4194304/],
  ])("refuses %s", (name, message) => {
    expect(() => parseFaultModel(name)).toThrow(message);
  });
});

describe("drawFault", () => {
  const plan = (rates: Partial<FaultPlan["rates"]>, seed: number | null = null): FaultPlan => ({
    rates: { "429": 0, "5xx": 0, malformed: 0, truncated: 0, hang: 0, ...rates },
    latencyMs: 0,
    retryAfterS: 1,
    seed,
    tokenizeRoute: true,
    cacheTokens: null,
  });

  it("injects each kind at about its rate", () => {
    const p = parseFaultModel("m+faults=0.3,seed=1").plan!;
    const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<string, number>;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const fault = drawFault(p, `prompt ${i}`);
      if (fault) counts[fault.kind]!++;
    }
    const total = FAULT_KINDS.reduce((s, k) => s + counts[k]!, 0);
    expect(total / n).toBeGreaterThan(0.28);
    expect(total / n).toBeLessThan(0.32);
    for (const kind of FAULT_KINDS) expect(Math.abs(counts[kind]! / n - p.rates[kind])).toBeLessThan(0.01);
  });

  it("is reproducible per (seed, prompt, attempt) with a seed, and each attempt draws afresh", () => {
    const p = plan({ "5xx": 0.5 }, 42);
    const attempts = (key: string) => Array.from({ length: 12 }, () => drawFault(p, key)?.status ?? 200);
    const first = attempts("a");
    const other = attempts("b");
    resetFaultDraws();
    // Interleaving another prompt does not shift this one's sequence.
    expect(attempts("b")).toEqual(other);
    expect(attempts("a")).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(first.every((s) => [200, 500, 502, 503].includes(s))).toBe(true);
  });

  it("never faults at rate 0 and always at rate 1", () => {
    expect(drawFault(plan({}), "x")).toBeNull();
    expect(drawFault(plan({ hang: 1 }), "x")).toEqual({ kind: "hang", status: 200 });
  });
});

describe("the fault models over HTTP", () => {
  it("answers normally at rate 0 and echoes the requested model name", async () => {
    const res = await complete("extractive-128k+faults=0");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; choices: { text: string }[] };
    expect(body.model).toBe("extractive-128k+faults=0");
    expect(body.choices[0]!.text).toBe(NEEDLE);
  });

  it("answers 429 with a short Retry-After", async () => {
    const res = await complete("extractive-128k+429=1,retry_after=1");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
  });

  it("answers 500, 502 or 503", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) statuses.add((await complete("extractive-128k+5xx=1")).status);
    expect([...statuses].sort()).toEqual([500, 502, 503]);
  });

  it("sends malformed JSON with a 200, in both the plain and the streamed shape", async () => {
    const plain = await complete("extractive-128k+malformed=1");
    expect(plain.status).toBe(200);
    const text = await plain.text();
    expect(text.startsWith('{"id":')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    const streamed = await complete("extractive-128k+malformed=1", { stream: true });
    const events = (await streamed.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(() => events.slice(0, -1).forEach((e) => JSON.parse(e.slice(6)))).toThrow();
  });

  it("cuts the body mid-JSON and breaks the connection", async () => {
    for (const stream of [false, true]) {
      const res = await complete("extractive-128k+truncated=1", { stream });
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow(/truncated/);
    }
  });

  it("hangs until the client aborts", async () => {
    vi.useFakeTimers(); // the hang is observed on a fake clock, not measured
    const controller = new AbortController();
    let settled = false;
    const pending = Promise.resolve(complete("extractive-128k+hang=1", {}, { signal: controller.signal })).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toBe(false);
    controller.abort();
    const res = await pending;
    expect(res.status).toBe(504);
  });

  it("stops hanging after HANG_MAX_MS when nobody aborts", async () => {
    vi.useFakeTimers();
    let settled = false;
    const pending = Promise.resolve(complete("extractive-128k+hang=1")).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(HANG_MAX_MS - 1_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await pending).status).toBe(504);
  });

  it("adds latency=MS before answering", async () => {
    vi.useFakeTimers(); // the delay is observed on a fake clock, not measured
    let settled = false;
    const pending = Promise.resolve(complete("extractive-128k+latency=150")).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(140);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect((await pending).status).toBe(200);
  });

  it("refuses a bad suffix on `model` and an unknown base model", async () => {
    const bad = await complete("extractive-128k+faults=2");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("model");
    expect((await complete("nope+faults=1")).status).toBe(404);
  });

  it("works for chat and lists the fault model under its full name", async () => {
    const res = await app.request(`${BASE}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "extractive-128k+429=1", messages: [{ role: "user", content: "Hi?" }] }),
    });
    expect(res.status).toBe(429);
    const model = (await (await app.request(`${BASE}/models/extractive-4k+faults=0.3`)).json()) as { id: string; context_window: number };
    expect(model).toMatchObject({ id: "extractive-4k+faults=0.3", context_window: 131072 });
  });
});

describe("the service's client against the fault models", () => {
  it.each([
    ["429=1", /HTTP 429/],
    ["5xx=1", /HTTP 50[023]/],
    ["malformed=1", /malformed/],
    ["truncated=1", /stream broke off|reply broke off|before \[DONE\]/],
  ])("retries %s (streamed and not)", async (spec, reason) => {
    for (const stream of [false, true]) {
      const outcome = await callVia(`extractive-128k+${spec}`, stream);
      expect(outcome).toMatchObject({ kind: "retry", reason: expect.stringMatching(reason) });
      if (spec === "429=1") expect(outcome).toMatchObject({ retryAfterS: 1 });
    }
  });

  // A hang the request timeout did not cut would last HANG_MAX_MS: the 2 s test timeout catches that.
  it("times a hang out at its request timeout, even in-process", async () => {
    const outcome = await callVia("extractive-128k+hang=1", true, 200);
    expect(outcome).toMatchObject({ kind: "retry", reason: expect.stringMatching(/^timed out after 0 s calling /) });
  }, 2_000);

  it("times out a slow in-process answer too (latency beyond the timeout)", async () => {
    const outcome = await callVia("extractive-128k+latency=1500", false, 200);
    expect(outcome).toMatchObject({ kind: "retry", reason: expect.stringMatching(/timed out/) });
  });

  it("scores a clean answer through the fault model at rate 0", async () => {
    const outcome = await callVia("extractive-128k+faults=0", true);
    expect(outcome).toMatchObject({ kind: "ok", text: NEEDLE });
  });
});
