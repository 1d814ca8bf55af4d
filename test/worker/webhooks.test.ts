// Webhooks inside workerd with the real local D1 and queue: signing, the retry schedule (seconds
// here: WEBHOOK_RETRY_SCHEDULE_S = "0,1,1" in vitest.config.ts), 410, redirects, redelivery, pings,
// the sweeper's re-enqueue and its claim. Receivers are stubbed: outbound network is off in tests.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sweep } from "../../src/lifecycle/sweeper";
import { sweeperStub } from "../../src/lifecycle/sweeper-stub";
import { deliverAttempt } from "../../src/lifecycle/webhooks/deliver";
import { insertDelivery } from "../../src/lifecycle/webhooks/store";
import { sharedDohResolver } from "../../src/security/dns";
import { outboundGuardOf } from "../../src/security/resolved";
import { PRODUCTION_POLICY } from "../../src/security/ssrf";
import { answerStubDoh } from "../dns-stub";
import { api, completionBody, needleRun, ORIGIN, waitForStatus } from "./helpers";

interface HookCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  redirect: Request["redirect"];
}

// Retries wait whole seconds, and a run has to finish first.
vi.setConfig({ testTimeout: 30_000 });

let hookCalls: HookCall[];
let hookAnswer: (call: HookCall, n: number) => Response | Promise<Response>;
let upstream: () => Response;

const okCompletion = () =>
  new Response(completionBody("The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day."), {
    headers: { "content-type": "application/json" },
  });

beforeEach(() => {
  hookCalls = [];
  hookAnswer = () => new Response("ok");
  upstream = okCompletion;
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const dns = answerStubDoh(request); // the SSRF guard's DNS lookups (test/dns-stub.ts)
    if (dns) return dns;
    const host = new URL(request.url).hostname;
    if (host === "models.example.com") return upstream();
    if (host !== "hooks.example.com") throw new Error(`unexpected outbound fetch to ${request.url}`);
    const call = { url: request.url, headers: Object.fromEntries(request.headers), body: await request.text(), redirect: request.redirect };
    hookCalls.push(call);
    return await hookAnswer(call, hookCalls.length);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const HOOK = "https://hooks.example.com/ctxprobe";
const SECRET = `whsec_${btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => (i * 53 + 7) % 256)))}`;

async function json(res: Response): Promise<any> {
  return res.json();
}

async function deliveries(runId: string): Promise<any[]> {
  const res = await api(`/v1/runs/${runId}/webhook-deliveries`);
  expect(res.status).toBe(200);
  return (await json(res)).data;
}

async function waitForDelivery(runId: string, predicate: (d: any) => boolean, timeoutMs = 20_000): Promise<any> {
  let found: any;
  await vi.waitUntil(
    async () => {
      found = (await deliveries(runId)).find(predicate);
      return found;
    },
    { timeout: timeoutMs, interval: 100 },
  );
  return found;
}

const settled = (d: any) => d.status !== "pending";

describe("the sweeper's alarm", () => {
  // First in this file, before any run or delivery exists that could re-arm the alarm behind our back.
  it("stays armed while deliveries are pending, even with no active run", async () => {
    const stub = sweeperStub(env);
    const alarmAfterSweep = () =>
      runInDurableObject(stub, async (instance, state) => {
        await state.storage.deleteAlarm();
        await instance.alarm!();
        return state.storage.getAlarm();
      });
    expect(await alarmAfterSweep()).toBeNull(); // nothing to do: the alarm stops
    await insertDelivery(env.DB, { id: "dlv_later", runId: "run_elsewhere", msgId: "msg_later", eventType: "webhook.ping", payload: "{}", manual: true, redeliveryOf: null, nextAttemptAt: Date.now() + 3_600_000, now: Date.now() });
    expect(await alarmAfterSweep()).not.toBeNull();
    await env.DB.prepare("UPDATE webhook_deliveries SET status = 'failed' WHERE id = 'dlv_later'").run();
  });
});

describe("submitting a run with a webhook", () => {
  it("generates a secret shown once in the 202 answer, then never again", async () => {
    const res = await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK } }) });
    expect(res.status).toBe(202);
    const created = await json(res);
    expect(created.webhook).toMatchObject({ url: HOOK, secret_set: true, status: "enabled" });
    expect(created.webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const secret = created.webhook.secret as string;
    const row = await env.DB.prepare("SELECT webhook_secret FROM runs WHERE id = ?").bind(created.id).first<{ webhook_secret: string }>();
    expect(row!.webhook_secret).toMatch(/^v1\./); // sealed at rest
    expect(row!.webhook_secret).not.toContain(secret.slice(6));

    await waitForStatus(created.id, ["succeeded"]);
    const delivered = await waitForDelivery(created.id, settled);
    const [one, list, page] = await Promise.all([api(`/v1/runs/${created.id}`), api("/v1/runs?limit=50"), api(`/v1/runs/${created.id}/webhook-deliveries`)]);
    const everything = (await one.text()) + (await list.text()) + (await page.text());
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(6));
    expect(JSON.parse(await (await api(`/v1/runs/${created.id}`)).text()).webhook).toEqual({ url: HOOK, secret_set: true, status: "enabled", disabled_reason: null });
    // The generated secret is the one that signs.
    expect(delivered.status).toBe("succeeded");
    const call = hookCalls.find((c) => c.headers["webhook-id"] === delivered.webhook_id)!;
    expect(new Webhook(secret).verify(call.body, call.headers)).toMatchObject({ type: "run.succeeded" });
  });

  it("refuses a malformed secret and a private URL with a pointer each, dry runs included", async () => {
    for (const query of ["", "?dry_run=true"]) {
      const res = await api(`/v1/runs${query}`, { method: "POST", json: needleRun({ webhook: { url: "http://10.0.0.7/hook" } }) });
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await json(res)).errors).toEqual([expect.objectContaining({ pointer: "/webhook/url" })]);
    }
    const both = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({ webhook: { url: "http://169.254.169.254/" } }, { base_url: "http://192.168.1.2/v1" }) });
    expect((await json(both)).errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/model/base_url", "/webhook/url"]);
    const short = await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: "whsec_c2hvcnQ=" } }) });
    expect(short.status).toBe(422);
    const problem = await json(short);
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: "/webhook/secret", detail: expect.stringMatching(/5 bytes; 24–64/) })]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM runs WHERE webhook_url LIKE '%10.0.0.7%' OR webhook_secret IS NOT NULL AND webhook_url LIKE '%short%'").first<{ n: number }>();
    expect(count!.n).toBe(0);
  });
});

describe("an account's default webhook", () => {
  it("is used by runs submitted without one, signed with the account's secret; null opts out; it never leaks", async () => {
    const created = await json(await api("/v1/accounts", { method: "POST", json: { name: "default-hook" } }));
    const token = created.token.token as string;
    const other = (await json(await api("/v1/accounts", { method: "POST", json: { name: "bystander" } }))).token.token as string;

    // Refused like any outbound URL, with the field at fault; a malformed secret too.
    const resolvesInside = await api("/v1/account/webhook", { method: "PUT", json: { url: "https://10.0.0.5.nip.io/hook" }, token });
    expect(resolvesInside.status).toBe(422);
    expect((await json(resolvesInside)).errors).toEqual([expect.objectContaining({ pointer: "/url", detail: "host 10.0.0.5.nip.io resolves to 10.0.0.5, a private (RFC 1918) address; a self-hosted deployment can allow it with ALLOW_PRIVATE_ENDPOINTS=10.0.0.0/8" })]);
    const refused = await api("/v1/account/webhook", { method: "PUT", json: { url: "http://169.254.169.254/latest" }, token });
    expect(refused.status).toBe(422);
    expect((await json(refused)).errors).toEqual([expect.objectContaining({ pointer: "/url" })]);
    expect((await api("/v1/account/webhook", { method: "PUT", json: { url: HOOK, secret: "whsec_short" }, token })).status).toBe(422);
    expect((await api("/v1/account/webhook", { method: "PUT", json: { url: HOOK }, token: null })).status).toBe(401);

    // Set without a secret: one is generated and shown in this answer only.
    const set = await json(await api("/v1/account/webhook", { method: "PUT", json: { url: HOOK }, token }));
    expect(set.webhook).toMatchObject({ url: HOOK, secret_set: true, secret: expect.stringMatching(/^whsec_/) });
    const secret = set.webhook.secret as string;
    const me = await (await api("/v1/account", { token })).text();
    expect(JSON.parse(me).account.webhook).toEqual({ url: HOOK, secret_set: true });
    expect(me).not.toContain(secret.slice(6));
    const stored = await env.DB.prepare("SELECT webhook_secret FROM accounts WHERE id = ?").bind(created.account.id).first<{ webhook_secret: string }>();
    expect(stored!.webhook_secret).not.toContain(secret.slice(6));

    // A run without `webhook` takes the default; its event verifies with the account's secret.
    const run = await json(await api("/v1/runs", { method: "POST", json: needleRun(), token }));
    expect(run.webhook).toMatchObject({ url: HOOK, secret_set: true });
    expect(run.webhook.secret).toBeUndefined();
    await waitForStatus(run.id, ["succeeded"]);
    const delivery = await waitForDelivery(run.id, settled);
    expect(delivery).toMatchObject({ event: "run.succeeded", status: "succeeded" });
    const call = hookCalls.find((c) => c.headers["webhook-id"] === delivery.webhook_id)!;
    expect(new Webhook(secret).verify(call.body, call.headers)).toMatchObject({ type: "run.succeeded", data: { run_id: run.id } });

    // `"webhook": null` opts out; another account's runs never get it.
    const optedOut = await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: null }), token }));
    expect(optedOut.webhook).toBeNull();
    const bystander = await json(await api("/v1/runs", { method: "POST", json: needleRun(), token: other }));
    expect(bystander.webhook).toBeNull();

    // Removed: later runs have none; the run that had it keeps it.
    const removed = await json(await api("/v1/account/webhook", { method: "DELETE", token }));
    expect(removed.webhook).toBeNull();
    const after = await json(await api("/v1/runs", { method: "POST", json: needleRun(), token }));
    expect(after.webhook).toBeNull();
    expect((await json(await api(`/v1/runs/${run.id}`, { token }))).webhook).toMatchObject({ url: HOOK });
    for (const id of [optedOut.id, bystander.id, after.id]) await waitForStatus(id, ["succeeded"]);
    expect(hookCalls.filter((c) => JSON.parse(c.body).data?.run_id !== run.id)).toEqual([]);
  });
});

describe("delivery", () => {
  it("retries through the queue until the receiver accepts, with one webhook-id and a fresh signature per attempt", async () => {
    hookAnswer = (_call, n) => new Response(n <= 2 ? "down for maintenance" : "thanks", { status: n <= 2 ? 500 : 200 });
    const run = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET }, series: "s-7b", step: 3 }) }))) as { id: string };
    expect((run as any).webhook.secret).toBeUndefined(); // the caller's own secret is never echoed
    const finished = await waitForStatus(run.id, ["succeeded"]);
    const delivery = await waitForDelivery(run.id, settled);

    expect(delivery).toMatchObject({ event: "run.succeeded", status: "succeeded", attempts_made: 3, manual: false, redelivery_of: null, last_http_status: 200 });
    expect(delivery.attempts.map((a: any) => [a.attempt, a.outcome, a.http_status])).toEqual([[1, "failed", 500], [2, "failed", 500], [3, "succeeded", 200]]);
    expect(delivery.attempts[0].error).toBe("HTTP 500");
    expect(delivery.attempts[0].response_excerpt).toBe("down for maintenance");
    expect(delivery.attempts[0].next_attempt_at).not.toBeNull();
    expect(delivery.attempts[2].next_attempt_at).toBeNull();
    expect(JSON.stringify(delivery)).not.toContain(SECRET.slice(6));

    expect(hookCalls).toHaveLength(3);
    const wh = new Webhook(SECRET);
    for (const call of hookCalls) {
      expect(call.redirect).toBe("manual");
      expect(call.headers["content-type"]).toBe("application/json");
      expect(call.headers["webhook-id"]).toBe(delivery.webhook_id);
      expect(wh.verify(call.body, call.headers)).toEqual(delivery.payload);
    }
    expect(new Set(hookCalls.map((c) => c.body)).size).toBe(1);
    expect(delivery.webhook_id).toMatch(/^msg_[a-z0-9]+$/);

    const payload = JSON.parse(hookCalls[2]!.body);
    expect(payload).toMatchObject({
      type: "run.succeeded",
      timestamp: finished.finished_at,
      data: {
        run_id: run.id,
        status: "succeeded",
        model: { name: "test-model" },
        series: "s-7b",
        step: 3,
        progress: { total: 6, done: 6, failed: 0 },
        regression: null,
        links: { run: `${ORIGIN}/v1/runs/${run.id}`, page: `${ORIGIN}/runs/${run.id}` },
      },
    });
    expect(payload.data.suites[0]).toMatchObject({ index: 0, type: "needle", scores: { contains: 100 } });
    expect(payload.data.effective_context_length).toMatchObject({ length: 2000, suite: 0 });
  });

  it("gives up when the schedule runs out, and treats a redirect as a failure", async () => {
    hookAnswer = () => new Response(null, { status: 302, headers: { location: "http://10.0.0.1/inside" } });
    const run = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET } }) }))) as { id: string };
    await waitForStatus(run.id, ["succeeded"]);
    const delivery = await waitForDelivery(run.id, settled);
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts.map((a: any) => a.outcome)).toEqual(["failed", "failed", "failed"]);
    expect(delivery.attempts[0].error).toMatch(/302: redirects are not followed \(to http:\/\/10\.0\.0\.1\/inside\)/);
    expect(hookCalls).toHaveLength(3); // never followed to 10.0.0.1
  });

  it("stops at 410 Gone and disables the webhook; automatic events are then skipped until a ping is accepted", async () => {
    // Probes wait: the run stays active until it is cancelled. The 429 pauses this endpoint's limiter
    // for 10 minutes, so the run calls a model of its own: later tests' runs must not wait behind it.
    upstream = () => new Response("busy", { status: 429, headers: { "retry-after": "600" } });
    hookAnswer = () => new Response("gone", { status: 410 });
    const run = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET } }, { model: "served-busy" }) }))) as { id: string };

    const ping = await api(`/v1/runs/${run.id}/webhook-deliveries/ping`, { method: "POST" });
    expect(ping.status).toBe(202);
    const pingId = (await json(ping)).id;
    const gone = await waitForDelivery(run.id, (d) => d.id === pingId && settled(d));
    expect(gone).toMatchObject({ event: "webhook.ping", status: "disabled", attempts_made: 1, next_attempt_at: null });
    expect(gone.attempts).toEqual([expect.objectContaining({ outcome: "gone", http_status: 410, next_attempt_at: null })]);
    const disabled = await json(await api(`/v1/runs/${run.id}`));
    expect(disabled.webhook).toMatchObject({ status: "disabled", disabled_reason: expect.stringContaining("410 Gone") });

    expect((await api(`/v1/runs/${run.id}/cancel`, { method: "POST" })).status).toBe(200);
    const cancelled = await waitForDelivery(run.id, (d) => d.event === "run.cancelled" && settled(d));
    expect(cancelled).toMatchObject({ status: "disabled", attempts_made: 0, attempts: [] });
    expect(cancelled.last_error).toMatch(/webhook is disabled/);
    expect(hookCalls).toHaveLength(1);

    // The receiver is back: a ping it accepts re-enables the webhook, and a redelivery goes out.
    hookAnswer = () => new Response("ok");
    const again = (await json(await api(`/v1/runs/${run.id}/webhook-deliveries/ping`, { method: "POST" }))).id;
    await waitForDelivery(run.id, (d) => d.id === again && d.status === "succeeded");
    expect((await json(await api(`/v1/runs/${run.id}`))).webhook.status).toBe("enabled");
    const redelivered = await json(await api(`/v1/runs/${run.id}/webhook-deliveries/${cancelled.id}/redeliver`, { method: "POST" }));
    const done = await waitForDelivery(run.id, (d) => d.id === redelivered.id && settled(d));
    expect(done).toMatchObject({ status: "succeeded", webhook_id: cancelled.webhook_id, redelivery_of: cancelled.id, manual: true });
    const last = hookCalls.at(-1)!;
    expect(last.headers["webhook-id"]).toBe(cancelled.webhook_id);
    expect(new Webhook(SECRET).verify(last.body, last.headers)).toMatchObject({ type: "run.cancelled", data: { run_id: run.id, status: "cancelled" } });
  });
});

describe("the deliveries API", () => {
  it("answers 404 for unknown runs and deliveries, 409 without a webhook or for a pending delivery", async () => {
    const plain = (await json(await api("/v1/runs", { method: "POST", json: needleRun() }))) as { id: string; webhook: unknown };
    expect(plain.webhook).toBeNull();
    for (const [method, path] of [
      ["GET", `/v1/runs/${plain.id}/webhook-deliveries`],
      ["POST", `/v1/runs/${plain.id}/webhook-deliveries/ping`],
    ] as const) {
      const res = await api(path, { method });
      expect(res.status).toBe(409);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await api("/v1/runs/run_nope/webhook-deliveries")).status).toBe(404);
    // Sending needs the run's account (or the admin) token.
    const owned = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET } }) }))) as { id: string };
    expect((await api(`/v1/runs/${owned.id}/webhook-deliveries/ping`, { method: "POST", token: null })).status).toBe(401);
    // The receiver's URL and its answers are the owner's business, even on a public run.
    const stranger = (await json(await api("/v1/accounts", { method: "POST", json: { name: "stranger" } }))).token.token as string;
    for (const token of [null, stranger]) {
      const seen = await json(await api(`/v1/runs/${owned.id}`, { token }));
      expect(seen.public).toBe(true);
      expect(seen.webhook).toBeNull();
      expect(seen.links).not.toHaveProperty("webhook_deliveries");
      const listed = await json(await api("/v1/runs?limit=100", { token }));
      expect(JSON.stringify(listed)).not.toContain(HOOK);
      expect((await api(`/v1/runs/${owned.id}/webhook-deliveries`, { token })).status).toBe(token ? 403 : 401);
    }
    expect((await json(await api(`/v1/runs/${owned.id}`))).webhook).toMatchObject({ url: HOOK, secret_set: true });
    expect((await api("/v1/runs/run_nope/webhook-deliveries/ping", { method: "POST" })).status).toBe(404);

    const run = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET } }) }))) as { id: string };
    expect((await api(`/v1/runs/${run.id}/webhook-deliveries/dlv_nope/redeliver`, { method: "POST" })).status).toBe(404);
    // A delivery still waiting for its next attempt (written directly: no message, so it stays pending).
    const now = Date.now();
    await insertDelivery(env.DB, { id: "dlv_waiting", runId: run.id, msgId: "msg_waiting", eventType: "webhook.ping", payload: '{"type":"webhook.ping"}', manual: true, redeliveryOf: null, nextAttemptAt: now + 3_600_000, now });
    const listed = await deliveries(run.id);
    expect(listed.find((d) => d.id === "dlv_waiting")).toMatchObject({ event: "webhook.ping", status: "pending", attempts: [], webhook_id: "msg_waiting" });
    const pending = await api(`/v1/runs/${run.id}/webhook-deliveries/dlv_waiting/redeliver`, { method: "POST" });
    expect(pending.status).toBe(409);
    expect((await json(pending)).type).toBe("/problems/delivery-pending");
    // Another run's delivery is not found under this one.
    const other = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET } }) }))) as { id: string };
    expect((await api(`/v1/runs/${other.id}/webhook-deliveries/dlv_waiting/redeliver`, { method: "POST" })).status).toBe(404);
    await env.DB.prepare("UPDATE webhook_deliveries SET status = 'failed' WHERE id = 'dlv_waiting'").run();
  });

  it("is documented in the OpenAPI document", async () => {
    const doc = await json(await api("/openapi.json"));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/runs/{id}/webhook-deliveries", "/v1/runs/{id}/webhook-deliveries/{delivery}/redeliver", "/v1/runs/{id}/webhook-deliveries/ping"]),
    );
    expect(doc.components.schemas.WebhookSpec.properties.secret.writeOnly).toBe(true);
    expect(doc.components.schemas.WebhookDelivery.properties).not.toHaveProperty("secret");
    // What we send is documented too, in OpenAPI 3.1's top-level webhooks map.
    const sent = Object.values(doc.webhooks ?? {}) as any[];
    expect(sent.map((w) => w.post.requestBody.content["application/json"].schema.$ref).sort()).toEqual(["#/components/schemas/PingEvent", "#/components/schemas/RunEvent"]);
    expect(sent[0].post.parameters.map((p: any) => p.name)).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
  });
});

describe("the webhook URL's DNS check before each attempt", () => {
  /** A run whose webhook was fine at submission; its URL is then changed behind the API's back, as if DNS had changed. */
  async function runWithHookNowAt(url: string): Promise<string> {
    const run = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET } }) }))) as { id: string };
    await waitForStatus(run.id, ["succeeded"]);
    await waitForDelivery(run.id, settled);
    await env.DB.prepare("UPDATE runs SET webhook_url = ? WHERE id = ?").bind(url, run.id).run();
    hookCalls = [];
    return run.id;
  }

  it("refuses a name that resolves to 127.0.0.1 when loopback is not allowed, and records the reason", async () => {
    const runId = await runWithHookNowAt("https://127.0.0.1.nip.io/ctxprobe");
    const now = Date.now();
    await insertDelivery(env.DB, { id: "dlv_dns_lo", runId, msgId: "msg_dns_lo", eventType: "webhook.ping", payload: "{}", manual: true, redeliveryOf: null, nextAttemptAt: now, now });
    // The worker tests allow loopback (ALLOW_LOOPBACK_ENDPOINTS=true); production does not.
    const production = outboundGuardOf(PRODUCTION_POLICY, sharedDohResolver(env.DNS_RESOLVER_URL));
    expect(await deliverAttempt(env, { v: 1, delivery_id: "dlv_dns_lo", attempt: 1 }, { guard: production })).toBe("failed");
    const delivery = (await deliveries(runId)).find((d) => d.id === "dlv_dns_lo");
    expect(delivery).toMatchObject({
      status: "failed",
      attempts_made: 0,
      attempts: [],
      last_error: "the webhook URL is not allowed: host 127.0.0.1.nip.io resolves to 127.0.0.1, a loopback address",
    });
    expect(hookCalls).toEqual([]);
  });

  it("refuses a name that resolves to the metadata address even in local development", async () => {
    const runId = await runWithHookNowAt("https://169.254.169.254.nip.io/latest");
    const ping = await api(`/v1/runs/${runId}/webhook-deliveries/ping`, { method: "POST" });
    expect(ping.status).toBe(202);
    const pingId = (await json(ping)).id;
    const delivery = await waitForDelivery(runId, (d) => d.id === pingId && settled(d));
    expect(delivery).toMatchObject({
      status: "failed",
      attempts: [],
      last_error: "the webhook URL is not allowed: host 169.254.169.254.nip.io resolves to 169.254.169.254, a cloud metadata address",
    });
    expect(hookCalls).toEqual([]);
  });

  it("does not call a URL whose name cannot be resolved: each attempt fails with the reason and the schedule goes on", async () => {
    const runId = await runWithHookNowAt("https://servfail.example.net/ctxprobe");
    const pingId = (await json(await api(`/v1/runs/${runId}/webhook-deliveries/ping`, { method: "POST" }))).id;
    const delivery = await waitForDelivery(runId, (d) => d.id === pingId && settled(d));
    const reason = "the webhook URL could not be checked, so it was not called: could not resolve servfail.example.net: the resolver answered SERVFAIL";
    expect(delivery).toMatchObject({ status: "failed", last_error: reason });
    expect(delivery.attempts.map((a: any) => [a.outcome, a.error])).toEqual([["failed", reason], ["failed", reason], ["failed", reason]]);
    expect(hookCalls).toEqual([]);
  });
});

describe("the sweeper", () => {
  async function seedWebhookRun(): Promise<string> {
    const run = (await json(await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK, secret: SECRET } }) }))) as { id: string };
    await waitForStatus(run.id, ["succeeded"]);
    await waitForDelivery(run.id, settled);
    return run.id;
  }

  it("re-enqueues a delivery whose message was lost, and a claim keeps a delivery from being sent twice at once", async () => {
    const runId = await seedWebhookRun();
    // A delivery whose message never made it to the queue (e.g. wrangler dev restarted).
    const now = Date.now();
    await insertDelivery(env.DB, { id: "dlv_lost1", runId, msgId: "msg_lost1", eventType: "webhook.ping", payload: '{"type":"webhook.ping"}', manual: true, redeliveryOf: null, nextAttemptAt: now - 5 * 60_000, now: now - 5 * 60_000 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    hookAnswer = async () => {
      await gate;
      return new Response("ok");
    };
    try {
      expect((await sweep(env)).webhooksRequeued).toBeGreaterThanOrEqual(1);
      await vi.waitUntil(() => hookCalls.some((c) => c.headers["webhook-id"] === "msg_lost1"), { timeout: 10_000 });
      // While attempt 1 is in flight and even if it looks overdue, neither a sweep nor a message for the
      // next attempt sends the delivery again: the claim holds.
      const overdue = Date.now() - 5 * 60_000;
      await env.DB.prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = 'dlv_lost1'").bind(overdue).run();
      await sweep(env);
      const row = await env.DB.prepare("SELECT next_attempt_at, attempts FROM webhook_deliveries WHERE id = 'dlv_lost1'").first<{ next_attempt_at: number; attempts: number }>();
      expect(row).toEqual({ next_attempt_at: overdue, attempts: 1 });
      expect(await deliverAttempt(env, { v: 1, delivery_id: "dlv_lost1", attempt: 2 })).toBe("stale");
      expect(await deliverAttempt(env, { v: 1, delivery_id: "dlv_lost1", attempt: 1 })).toBe("stale");
    } finally {
      release();
    }
    const done = await waitForDelivery(runId, (d) => d.id === "dlv_lost1" && settled(d));
    expect(done).toMatchObject({ status: "succeeded", attempts_made: 1 });
    expect(hookCalls.filter((c) => c.headers["webhook-id"] === "msg_lost1")).toHaveLength(1);
    // A stale message for an attempt already made changes nothing.
    expect(await deliverAttempt(env, { v: 1, delivery_id: "dlv_lost1", attempt: 1 })).toBe("stale");
  });

  it("marks an attempt whose sender died as lost and goes on with the next one", async () => {
    const runId = await seedWebhookRun();
    const t = Date.now() - 10 * 60_000;
    await insertDelivery(env.DB, { id: "dlv_dead1", runId, msgId: "msg_dead1", eventType: "webhook.ping", payload: '{"type":"webhook.ping"}', manual: true, redeliveryOf: null, nextAttemptAt: t, now: t });
    // Attempt 1 was claimed by a sender that never came back.
    await env.DB.batch([
      env.DB.prepare("UPDATE webhook_deliveries SET attempts = 1, claim_token = 'clm_dead', claimed_until = ? WHERE id = 'dlv_dead1'").bind(t + 45_000),
      env.DB.prepare("INSERT INTO webhook_attempts (delivery_id, attempt, outcome, webhook_timestamp, started_at) VALUES ('dlv_dead1', 1, 'sending', ?, ?)").bind(Math.floor(t / 1000), t),
    ]);
    expect((await sweep(env)).webhooksRequeued).toBe(1);
    const done = await waitForDelivery(runId, (d) => d.id === "dlv_dead1" && settled(d));
    expect(done.attempts.map((a: any) => [a.attempt, a.outcome])).toEqual([[1, "lost"], [2, "succeeded"]]);
  });

});
