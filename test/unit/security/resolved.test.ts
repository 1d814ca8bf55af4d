// The DNS-aware SSRF guard: names that resolve inside are refused, any failure to resolve refuses,
// and answers are cached for their TTL. The resolver is always a stub: global fetch throws here.
import { describe, expect, it } from "vitest";
import { forbidNetwork } from "../no-network";
import { DohResolver, type DnsLookup, type DnsResolver, type Fetcher, parseDohAnswer, sharedDohResolver } from "../../../src/security/dns";
import { checkOutboundUrlResolved, guardedFetcher, outboundGuardOf, OutboundUrlRefusedError } from "../../../src/security/resolved";
import { PRODUCTION_POLICY } from "../../../src/security/ssrf";
import { PUBLIC_V4, PUBLIC_V6, stubDohFetcher, TEST_DNS_RESOLVER_URL } from "../../dns-stub";

const PROD = PRODUCTION_POLICY;
const DEV = { allowLoopback: true };

forbidNetwork();

/** A resolver on the stub zone (test/dns-stub.ts) that counts the queries it sends. */
function stubResolver(options: { now?: () => number; fetcher?: Fetcher } = {}) {
  const queries: string[] = [];
  const inner = options.fetcher ?? stubDohFetcher;
  const fetcher: Fetcher = (request) => {
    const url = new URL(request.url);
    queries.push(`${url.searchParams.get("name")} ${url.searchParams.get("type")}`);
    return inner(request);
  };
  return { resolver: new DohResolver({ url: TEST_DNS_RESOLVER_URL, fetcher, now: options.now, timeoutMs: 200 }), queries };
}

async function verdict(url: string, policy = PROD, resolver: DnsResolver = stubResolver().resolver) {
  return checkOutboundUrlResolved(url, policy, resolver);
}

describe("names that resolve inside the network", () => {
  const refused: [host: string, reason: RegExp][] = [
    ["127.0.0.1.nip.io", /resolves to 127\.0\.0\.1, a loopback address/],
    ["169.254.169.254.nip.io", /resolves to 169\.254\.169\.254, a cloud metadata address/],
    ["10.0.0.5.nip.io", /resolves to 10\.0\.0\.5, a private \(RFC 1918\) address/],
    ["localtest.me", /resolves to 127\.0\.0\.1, a loopback address/],
    ["private.example.net", /10\.0\.0\.5, a private/],
    ["cgnat.example.net", /100\.64\.0\.1, a carrier-grade NAT/],
    ["zero.example.net", /0\.0\.0\.0, the "this network" address/],
    ["multicast.example.net", /224\.0\.0\.1, a multicast address/],
    ["v6-loopback.example.net", /resolves to \[::1\], an IPv6 loopback address/],
    ["v6-mapped.example.net", /\[::ffff:7f00:1\], an IPv4-mapped IPv6 address embedding 127\.0\.0\.1/],
    ["v6-nat64.example.net", /NAT64 IPv6 address embedding 169\.254\.169\.254/],
    ["v6-ula.example.net", /\[fc00::1\], an IPv6 unique-local \(private\) address/],
    ["v6-linklocal.example.net", /\[fe80::1\], an IPv6 link-local address/],
    ["v6-metadata.example.net", /\[fd00:ec2::254\], an IPv6 cloud metadata address/],
  ];
  it.each(refused)("refuses %s in production", async (host, reason) => {
    const v = await verdict(`https://${host}/v1`);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.reason).toMatch(new RegExp(`^host ${host.replace(/\./g, "\\.")} `));
      expect(v.reason).toMatch(reason);
      expect(v.retryable).toBeFalsy();
    }
  });

  it("refuses a name if ANY of its answers is inside, in either family", async () => {
    for (const host of ["mixed.example.net", "mixed-family.example.net", "v6-mapped.example.net"]) {
      const v = await verdict(`https://${host}/v1`);
      expect(v.ok, host).toBe(false);
    }
    const v = await verdict("https://mixed.example.net/v1");
    expect(!v.ok && v.reason).toMatch(/resolves to 10\.0\.0\.5/);
  });

  it("follows a CNAME chain to the final addresses and names the chain", async () => {
    const v = await verdict("https://chain.example.net/v1");
    expect(!v.ok && v.reason).toBe("host chain.example.net resolves (via CNAME hop.example.net → inside.example.net) to 10.0.0.5, a private (RFC 1918) address; a self-hosted deployment can allow it with ALLOW_PRIVATE_ENDPOINTS=10.0.0.0/8");
    const dangling = await verdict("https://dangling.example.net/v1");
    expect(!dangling.ok && dangling.reason).toBe("could not resolve dangling.example.net: no A or AAAA records (its CNAME chain ends at gone.example.net)");
    const alias = await verdict("https://alias.example.net/v1");
    expect(alias.ok && alias.resolved).toMatchObject({ aliases: ["models.example.com"], addresses: [{ family: 4, address: PUBLIC_V4 }, { family: 6, address: PUBLIC_V6 }] });
  });
});

describe("names that resolve to public addresses", () => {
  it.each(["models.example.com", "public.example.net", "v4only.example.net", "v6only.example.net", "MODELS.Example.COM."])("accepts %s", async (host) => {
    const v = await verdict(`https://${host}/v1/chat/completions`);
    expect(v.ok ? "ok" : v.reason).toBe("ok");
    if (v.ok) expect(v.resolved?.addresses.length).toBeGreaterThan(0);
  });
});

describe("loopback policy", () => {
  it("accepts a name resolving to loopback only when loopback is allowed (local development)", async () => {
    for (const host of ["127.0.0.1.nip.io", "localtest.me", "loopback.example.net", "v6-loopback.example.net"]) {
      expect((await verdict(`http://${host}:8000/v1`, PROD)).ok, host).toBe(false);
      expect((await verdict(`http://${host}:8000/v1`, DEV)).ok, host).toBe(true);
    }
  });

  it("never accepts private, link-local, metadata or disguised loopback answers, even in local development", async () => {
    for (const host of ["169.254.169.254.nip.io", "10.0.0.5.nip.io", "chain.example.net", "mixed.example.net", "v6-mapped.example.net", "v6-ula.example.net", "v6-linklocal.example.net", "v6-metadata.example.net"]) {
      expect((await verdict(`http://${host}/v1`, DEV)).ok, host).toBe(false);
    }
  });
});

describe("failing closed", () => {
  const failing = (fetcher: Fetcher) => stubResolver({ fetcher }).resolver;
  const dohJson = (body: unknown) => async () => new Response(typeof body === "string" ? body : JSON.stringify(body), { headers: { "content-type": "application/dns-json" } });
  const cases: [what: string, resolver: () => DnsResolver, reason: string, retryable: boolean][] = [
    ["NXDOMAIN", () => stubResolver().resolver, "could not resolve nowhere.example.net: no such name (NXDOMAIN)", false],
    ["SERVFAIL", () => failing(dohJson({ Status: 2 })), "could not resolve nowhere.example.net: the resolver answered SERVFAIL", true],
    ["REFUSED", () => failing(dohJson({ Status: 5 })), "could not resolve nowhere.example.net: the resolver answered REFUSED", true],
    ["a timeout", () => failing(() => new Promise<Response>(() => undefined)), "could not resolve nowhere.example.net: no answer from the resolver within 200 ms", true],
    ["a network error", () => failing(async () => { throw new TypeError("connection refused"); }), "could not resolve nowhere.example.net: the resolver could not be reached (connection refused)", true],
    ["HTTP 503", () => failing(async () => new Response("busy", { status: 503 })), "could not resolve nowhere.example.net: the resolver answered HTTP 503", true],
    ["a body that is not JSON", () => failing(dohJson("<html>")), "could not resolve nowhere.example.net: the resolver's answer is not valid JSON", true],
    ["JSON without Status", () => failing(dohJson({ Answer: [] })), "could not resolve nowhere.example.net: the resolver's answer has no Status", true],
    ["a malformed record", () => failing(dohJson({ Status: 0, Answer: [{ type: 1, data: "93.184.215.14" }] })), "could not resolve nowhere.example.net: the resolver's answer has a malformed record", true],
    ["A data that is no address", () => failing(dohJson({ Status: 0, Answer: [{ type: 1, TTL: 5, data: "0x7f.1" }] })), 'could not resolve nowhere.example.net: the resolver returned A record data that is not an address: "0x7f.1"', true],
    ["no records at all", () => failing(dohJson({ Status: 0 })), "could not resolve nowhere.example.net: no A or AAAA records", false],
    ["a bad resolver URL", () => new DohResolver({ url: "dns.example/query", fetcher: stubDohFetcher }), 'could not resolve nowhere.example.net: the DNS resolver URL "dns.example/query" is not an http(s) URL', true],
  ];
  it.each(cases)("refuses on %s, naming the host", async (_what, resolver, reason, retryable) => {
    const v = await verdict("https://nowhere.example.net/v1", PROD, resolver());
    expect(v).toEqual({ ok: false, reason, retryable });
  });

  it("refuses when only one family fails (the unchecked one could be the one fetch uses)", async () => {
    const fetcher: Fetcher = async (request) =>
      new URL(request.url).searchParams.get("type") === "AAAA" ? new Response(JSON.stringify({ Status: 2 })) : stubDohFetcher(request);
    const v = await verdict("https://models.example.com/v1", PROD, failing(fetcher));
    expect(v).toMatchObject({ ok: false, reason: "could not resolve models.example.com: the resolver answered SERVFAIL" });
  });
});

describe("what is never resolved", () => {
  it("keeps today's checks for IP literals and special names, without a DNS query", async () => {
    const { resolver, queries } = stubResolver();
    expect((await verdict("https://93.184.215.14/v1", PROD, resolver)).ok).toBe(true);
    expect((await verdict("http://127.0.0.1:8000/v1", DEV, resolver)).ok).toBe(true);
    expect((await verdict("http://localhost:8000/v1", DEV, resolver)).ok).toBe(true);
    expect((await verdict("http://[::1]:8000/v1", DEV, resolver)).ok).toBe(true);
    expect((await verdict("http://127.0.0.1:8000/v1", PROD, resolver)).ok).toBe(false);
    expect((await verdict("http://0x7f.1/v1", DEV, resolver)).ok).toBe(false);
    expect(await verdict("http://metadata.google.internal/", DEV, resolver)).toMatchObject({ ok: false, reason: expect.stringContaining("cloud metadata host name") });
    expect((await verdict("ftp://models.example.com/", PROD, resolver)).ok).toBe(false);
    expect(queries).toEqual([]);
  });
});

describe("the TTL cache", () => {
  it("answers a second check within the TTL from the cache, and asks again after it", async () => {
    let now = 1_000_000;
    const { resolver, queries } = stubResolver({ now: () => now });
    expect((await verdict("https://models.example.com/v1", PROD, resolver)).ok).toBe(true);
    expect(queries).toEqual(["models.example.com A", "models.example.com AAAA"]);
    now += 59_000; // the stub's TTL is 60 s
    expect((await verdict("https://models.example.com/v1/completions", PROD, resolver)).ok).toBe(true);
    expect(queries).toHaveLength(2);
    now += 2_000;
    expect((await verdict("https://models.example.com/v1", PROD, resolver)).ok).toBe(true);
    expect(queries).toHaveLength(4);
  });

  it("serves a run's many checks from one lookup, caches nothing that failed, and stays bounded", async () => {
    const { resolver, queries } = stubResolver();
    await verdict("https://public.example.net/v1", PROD, resolver);
    await Promise.all(Array.from({ length: 20 }, () => verdict("https://public.example.net/v1/completions", PROD, resolver)));
    expect(queries).toHaveLength(2);
    await verdict("https://servfail.example.net/", PROD, resolver);
    await verdict("https://servfail.example.net/", PROD, resolver);
    expect(queries.filter((q) => q.startsWith("servfail"))).toHaveLength(4);

    const small = new DohResolver({ url: TEST_DNS_RESOLVER_URL, fetcher: stubDohFetcher, maxEntries: 2 });
    for (const host of ["public.example.net", "models.example.com", "hooks.example.com"]) expect((await small.resolve(host)).ok).toBe(true);
    expect(((await small.resolve("hooks.example.com")) as Extract<DnsLookup, { ok: true }>).cached).toBe(true);
    expect(((await small.resolve("public.example.net")) as Extract<DnsLookup, { ok: true }>).cached).toBe(false); // evicted first
  });

  it("caps a long TTL and does not keep an answer whose TTL is 0", async () => {
    let now = 0;
    let calls = 0;
    const answer = (ttl: number): Fetcher => async () => {
      calls++;
      return new Response(JSON.stringify({ Status: 0, Answer: [{ name: "x.example.net.", type: 1, TTL: ttl, data: PUBLIC_V4 }] }));
    };
    const long = new DohResolver({ url: TEST_DNS_RESOLVER_URL, fetcher: answer(86_400), now: () => now, maxTtlS: 300 });
    await long.resolve("x.example.net");
    now += 299_000;
    await long.resolve("x.example.net");
    expect(calls).toBe(2); // A and AAAA once
    now += 2_000;
    await long.resolve("x.example.net");
    expect(calls).toBe(4);
    calls = 0;
    const zero = new DohResolver({ url: TEST_DNS_RESOLVER_URL, fetcher: answer(0), now: () => now });
    await zero.resolve("x.example.net");
    await zero.resolve("x.example.net");
    expect(calls).toBe(4);
  });
});

describe("the DoH client", () => {
  it("asks the configured resolver for A and AAAA with the JSON media type, never following redirects", async () => {
    const seen: Request[] = [];
    const resolver = new DohResolver({ url: "https://dns.example/dns-query?ct=1", fetcher: async (r) => (seen.push(r), stubDohFetcher(new Request(`${TEST_DNS_RESOLVER_URL}${new URL(r.url).search}`))) });
    expect((await resolver.resolve("Models.Example.com.")).ok).toBe(true);
    expect(seen.map((r) => r.url).sort()).toEqual(["https://dns.example/dns-query?ct=1&name=models.example.com&type=A", "https://dns.example/dns-query?ct=1&name=models.example.com&type=AAAA"]);
    for (const r of seen) {
      expect(r.headers.get("accept")).toBe("application/dns-json");
      expect(r.redirect).toBe("manual");
    }
  });

  it("reads answers strictly", () => {
    expect(parseDohAnswer("A", { Status: 0, Answer: [{ type: 46, TTL: 1, data: "sig" }, { type: 1, TTL: 30, data: "1.2.3.4" }] })).toEqual({ ok: true, addresses: [{ family: 4, address: "1.2.3.4" }], aliases: [], ttlS: 30 });
    expect(parseDohAnswer("AAAA", { Status: 0, Answer: [{ type: 28, TTL: 30, data: "2606:2800:021f:cb07:6820:80da:af6b:8b2e" }] })).toMatchObject({ ok: true, addresses: [{ family: 6, address: PUBLIC_V6 }] });
    for (const data of ["1.2.3", "01.2.3.4", "1.2.3.256", " 1.2.3.4"]) expect(parseDohAnswer("A", { Status: 0, Answer: [{ type: 1, TTL: 1, data }] }).ok, data).toBe(false);
    expect(parseDohAnswer("AAAA", { Status: 0, Answer: [{ type: 28, TTL: 1, data: "fe80::1%eth0" }] }).ok).toBe(false);
    expect(parseDohAnswer("A", null).ok).toBe(false);
    expect(parseDohAnswer("A", { Status: 0, Answer: {} }).ok).toBe(false);
  });

  it("keeps one shared resolver per URL in an isolate", () => {
    expect(sharedDohResolver(TEST_DNS_RESOLVER_URL)).toBe(sharedDohResolver(TEST_DNS_RESOLVER_URL));
    expect(sharedDohResolver(undefined).url).toBe("https://cloudflare-dns.com/dns-query");
    expect(sharedDohResolver("").url).toBe("https://cloudflare-dns.com/dns-query");
  });
});

describe("guardedFetcher", () => {
  it("checks every request before it is sent", async () => {
    const sent: string[] = [];
    const guard = outboundGuardOf(PROD, stubResolver().resolver);
    const fetcher = guardedFetcher(async (r) => (sent.push(r.url), new Response("ok")), guard);
    expect((await fetcher(new Request("https://models.example.com/v1/completions", { method: "POST" }))).status).toBe(200);
    const refused = await fetcher(new Request("https://127.0.0.1.nip.io/v1/completions")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutboundUrlRefusedError);
    expect((refused as OutboundUrlRefusedError).message).toBe(
      "the URL https://127.0.0.1.nip.io/v1/completions is not allowed: host 127.0.0.1.nip.io resolves to 127.0.0.1, a loopback address",
    );
    expect(sent).toEqual(["https://models.example.com/v1/completions"]);
  });
});
