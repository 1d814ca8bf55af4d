// The SSRF guard's DNS lookups inside workerd: with fetch not stubbed, the DoH query goes out through
// Miniflare's outboundService, which answers from the stub zone (vitest.config.ts, test/dns-stub.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { outboundGuard } from "../../src/config";
import { sharedDohResolver } from "../../src/security/dns";
import { checkOutboundUrlResolved } from "../../src/security/resolved";
import { PRODUCTION_POLICY } from "../../src/security/ssrf";
import { PUBLIC_V4, PUBLIC_V6, TEST_DNS_RESOLVER_URL } from "../dns-stub";

describe("the Worker's outbound guard", () => {
  it("resolves with the configured stub resolver", () => {
    expect(env.DNS_RESOLVER_URL).toBe(TEST_DNS_RESOLVER_URL);
    expect(outboundGuard(env).resolver).toBe(sharedDohResolver(TEST_DNS_RESOLVER_URL));
    expect(outboundGuard(env).policy).toEqual({ allowLoopback: true });
  });

  it.each(["https://models.example.com/v1", "https://hooks.example.com/ctxprobe"])("accepts %s, a name the tests use", async (url) => {
    const verdict = await outboundGuard(env).check(url);
    expect(verdict.ok && verdict.resolved?.addresses).toEqual([{ family: 4, address: PUBLIC_V4 }, { family: 6, address: PUBLIC_V6 }]);
  });

  it("refuses names that resolve inside, and names that do not resolve", async () => {
    const guard = outboundGuard(env);
    expect(await guard.check("https://169.254.169.254.nip.io/latest")).toMatchObject({ ok: false, reason: expect.stringContaining("a cloud metadata address") });
    expect(await guard.check("https://chain.example.net/v1")).toMatchObject({ ok: false, reason: expect.stringContaining("10.0.0.5, a private") });
    expect(await guard.check("https://nowhere.example.net/v1")).toMatchObject({ ok: false, reason: "could not resolve nowhere.example.net: no such name (NXDOMAIN)" });
    // Loopback names pass only because these tests allow loopback; production refuses them.
    expect((await guard.check("https://localtest.me/v1")).ok).toBe(true);
    expect(await checkOutboundUrlResolved("https://localtest.me/v1", PRODUCTION_POLICY, guard.resolver)).toMatchObject({ ok: false, reason: expect.stringContaining("a loopback address") });
  });
});
