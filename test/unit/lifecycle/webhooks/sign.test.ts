// Webhook secrets and signatures, checked against the reference `standardwebhooks` library.
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { CreateRunRequest } from "../../../../src/contract/run-request";
import { generateWebhookSecret, parseWebhookSecret } from "../../../../src/security/webhook-secret";
import { signedHeaders, signPayload } from "../../../../src/lifecycle/webhooks/sign";

const b64 = (n: number, fill = 7) => Buffer.alloc(n, fill).toString("base64");

describe("webhook secrets", () => {
  it("accepts whsec_ + standard base64 of 24 to 64 bytes", () => {
    for (const n of [24, 32, 64]) expect(parseWebhookSecret(`whsec_${b64(n)}`)).toMatchObject({ ok: true });
    const parsed = parseWebhookSecret(`whsec_${Buffer.from([...Array(30).keys()]).toString("base64")}`);
    expect(parsed.ok && [...parsed.key]).toEqual([...Array(30).keys()]);
  });

  it.each([
    ["no prefix", b64(32), /must start with "whsec_"/],
    ["too short", `whsec_${b64(23)}`, /23 bytes; 24–64/],
    ["too long", `whsec_${b64(65)}`, /65 bytes; 24–64/],
    ["url-safe alphabet", `whsec_${"_-".repeat(16)}`, /standard base64/],
    ["missing padding", `whsec_${b64(25).replace(/=+$/, "")}`, /standard base64/],
    ["empty", "whsec_", /standard base64/],
  ])("refuses %s", (_name, secret, reason) => {
    const parsed = parseWebhookSecret(secret);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it("generates 32-byte secrets the reference library reads", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).not.toBe(b);
    const parsed = parseWebhookSecret(a);
    expect(parsed.ok && parsed.key.length).toBe(32);
    expect(() => new Webhook(a)).not.toThrow();
  });

  it("is validated by the run request schema with a pointer to /webhook/secret", () => {
    const base = { model: { name: "m", base_url: "https://models.example.com/v1", model: "m" }, suites: [{ type: "needle", preset: "quick" }] };
    expect(CreateRunRequest.safeParse({ ...base, webhook: { url: "https://hooks.example.com/x" } }).success).toBe(true);
    const bad = CreateRunRequest.safeParse({ ...base, webhook: { url: "https://hooks.example.com/x", secret: `whsec_${b64(8)}` } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join("/"))).toEqual(["webhook/secret"]);
  });
});

describe("webhook signatures", () => {
  const secret = `whsec_${Buffer.from([...Array(32).keys()].map((i) => (i * 37) % 256)).toString("base64")}`;
  const body = JSON.stringify({ type: "run.succeeded", timestamp: "2026-01-01T00:00:00.000Z", data: { run_id: "run_x", note: "naïve ✓" } });

  it("verify with standardwebhooks", async () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = await signedHeaders(secret, "msg_abc123", now, body);
    expect(headers["webhook-id"]).toBe("msg_abc123");
    expect(headers["webhook-timestamp"]).toBe(String(now));
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("match the library's own signature byte for byte", async () => {
    const ts = 1_767_225_600;
    expect(await signPayload(secret, "msg_1", ts, body)).toBe(new Webhook(secret).sign("msg_1", new Date(ts * 1000), body));
  });

  it("fail verification for another body, id, timestamp or secret", async () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = await signedHeaders(secret, "msg_abc123", now, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(body + " ", headers)).toThrow(WebhookVerificationError);
    expect(() => wh.verify(body, { ...headers, "webhook-id": "msg_other" })).toThrow(WebhookVerificationError);
    expect(() => wh.verify(body, { ...headers, "webhook-timestamp": String(now - 1) })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
  });
});
