// Webhooks for real: the local service (wrangler dev, local queue and D1) delivers signed events over
// HTTP to receivers this test runs on 127.0.0.1, retrying on the schedule WEBHOOK_RETRY_SCHEDULE_S
// (seconds here), and the signatures verify with the reference `standardwebhooks` library.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startService, waitForRun } from "./support";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  calls: Received[];
  close(): Promise<void>;
}

/** A webhook receiver answering call n (1-based) with `status(n)`. */
async function startReceiver(status: (n: number) => number): Promise<Receiver> {
  const calls: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.statusCode = status(calls.length);
    res.end(res.statusCode < 300 ? "ok" : "not now");
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/hooks/ctxprobe`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let service: Awaited<ReturnType<typeof startService>>;
const receivers: Receiver[] = [];
// The service's admin token: submitting, pinging and redelivering need a token.
const TOKEN = "ctp_e2e_webhooks_admin";
const auth = { authorization: `Bearer ${TOKEN}` };

function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${service.url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
}

async function getJsonAuthed(path: string): Promise<any> {
  const res = await call(path);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  // Four attempts, one second apart: the same code path as the day-long default schedule.
  service = await startService({ WEBHOOK_RETRY_SCHEDULE_S: "0,1,1,1", ADMIN_TOKEN: TOKEN });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  service?.cleanup();
});

async function submit(webhookUrl: string): Promise<Record<string, any>> {
  const res = await call("/v1/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: { name: "ref-webhook", base_url: `${service.url}/reference/v1`, model: "extractive-128k", max_concurrency: 4 },
      suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 50] }],
      webhook: { url: webhookUrl },
    }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as Record<string, any>;
}

async function waitForDelivery(runId: string, predicate: (d: any) => boolean, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await getJsonAuthed(`/v1/runs/${runId}/webhook-deliveries`);
    const found = page.data.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching delivery for ${runId}: ${JSON.stringify(page.data)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("webhooks over real HTTP", () => {
  it("arrive signed after the receiver's first failures, and can be redelivered", async () => {
    const receiver = await startReceiver((n) => (n <= 2 ? 500 : 200));
    receivers.push(receiver);
    const created = await submit(receiver.url);
    const secret: string = created.webhook.secret;
    expect(secret).toMatch(/^whsec_/);
    const run = await waitForRun(service.url, created.id);
    expect(run.status).toBe("succeeded");

    const delivery = await waitForDelivery(created.id, (d) => d.event === "run.succeeded" && d.status !== "pending");
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts.map((a: any) => [a.attempt, a.outcome, a.http_status])).toEqual([[1, "failed", 500], [2, "failed", 500], [3, "succeeded", 200]]);
    expect(receiver.calls).toHaveLength(3);
    const wh = new Webhook(secret);
    for (const call of receiver.calls) {
      expect(call.headers["webhook-id"]).toBe(delivery.webhook_id);
      expect(call.headers["content-type"]).toBe("application/json");
      const event = wh.verify(call.body, call.headers as Record<string, string>) as any;
      expect(event).toMatchObject({ type: "run.succeeded", data: { run_id: created.id, status: "succeeded", model: { name: "ref-webhook" } } });
      expect(event.data.links.run).toBe(`${service.url}/v1/runs/${created.id}`);
      expect(event.data.suites[0].scores.contains).toBe(100);
    }
    // Each attempt is signed with its own timestamp.
    expect(receiver.calls.map((c) => Number(c.headers["webhook-timestamp"]))).toEqual(delivery.attempts.map((a: any) => a.webhook_timestamp));

    const redeliver = await call(`/v1/runs/${created.id}/webhook-deliveries/${delivery.id}/redeliver`, { method: "POST" });
    expect(redeliver.status).toBe(202);
    const again = (await redeliver.json()) as any;
    const redelivered = await waitForDelivery(created.id, (d) => d.id === again.id && d.status !== "pending");
    expect(redelivered).toMatchObject({ status: "succeeded", webhook_id: delivery.webhook_id, redelivery_of: delivery.id, attempts_made: 1 });
    expect(receiver.calls).toHaveLength(4);
    expect(receiver.calls[3]!.headers["webhook-id"]).toBe(delivery.webhook_id);
    expect(wh.verify(receiver.calls[3]!.body, receiver.calls[3]!.headers as Record<string, string>)).toMatchObject({ type: "run.succeeded" });

    // The secret was in the 202 answer only.
    const responses = await Promise.all(
      [`/v1/runs/${created.id}`, "/v1/runs?limit=100", `/v1/runs/${created.id}/webhook-deliveries`, "/openapi.json"].map(async (p) => (await call(p)).text()),
    );
    for (const text of responses) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice("whsec_".length));
    }
    expect(JSON.parse(responses[0]!).webhook).toEqual({ url: receiver.url, secret_set: true, status: "enabled", disabled_reason: null });
  });

  it("stop at 410 Gone: the webhook is disabled and the delivery makes no further attempts", async () => {
    const receiver = await startReceiver(() => 410);
    receivers.push(receiver);
    const created = await submit(receiver.url);
    expect((await waitForRun(service.url, created.id)).status).toBe("succeeded");
    const delivery = await waitForDelivery(created.id, (d) => d.event === "run.succeeded" && d.status !== "pending");
    expect(delivery).toMatchObject({ status: "disabled", attempts_made: 1, next_attempt_at: null });
    expect(delivery.attempts).toEqual([expect.objectContaining({ outcome: "gone", http_status: 410, next_attempt_at: null })]);
    const run = await getJsonAuthed(`/v1/runs/${created.id}`);
    expect(run.webhook).toMatchObject({ status: "disabled", disabled_reason: expect.stringContaining("410 Gone") });

    // A disabled delivery is settled for good (no next attempt is scheduled). A ping, asked for
    // explicitly, still goes out and is refused again; the disabled delivery keeps its one attempt.
    const ping = (await (await call(`/v1/runs/${created.id}/webhook-deliveries/ping`, { method: "POST" })).json()) as any;
    await waitForDelivery(created.id, (d) => d.id === ping.id && d.status === "disabled");
    const after = await waitForDelivery(created.id, (d) => d.id === delivery.id);
    expect(after.attempts).toHaveLength(1);
    expect(receiver.calls.map((c) => JSON.parse(c.body).type)).toEqual(["run.succeeded", "webhook.ping"]);
  });
});
