// A stub DNS-over-HTTPS resolver (JSON API) for tests, so the SSRF guard's lookups never leave the
// machine. Worker tests reach it through Miniflare's outboundService (vitest.config.ts points
// DNS_RESOLVER_URL at TEST_DNS_RESOLVER_URL); unit tests pass `stubDohFetcher` to DohResolver.
//
// Every host name the worker and e2e tests send to the guard must be listed here (today:
// models.example.com and hooks.example.com; e2e tests use IP literals and localhost, which are never
// resolved). Names not listed answer NXDOMAIN, so a forgotten one fails loudly.

export const TEST_DNS_RESOLVER_URL = "https://doh.resolver.example/dns-query";

/** example.com's published addresses: public, and never contacted (fetch is stubbed in tests). */
export const PUBLIC_V4 = "93.184.215.14";
export const PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2e";

type Zone = { A?: string[]; AAAA?: string[]; CNAME?: string; status?: number };
const publicHost: Zone = { A: [PUBLIC_V4], AAAA: [PUBLIC_V6] };

export const TEST_ZONE: Record<string, Zone> = {
  // Names the existing tests use.
  "models.example.com": publicHost,
  "hooks.example.com": publicHost,
  // Public names for the guard's own tests.
  "public.example.net": publicHost,
  "v4only.example.net": { A: [PUBLIC_V4] },
  "v6only.example.net": { AAAA: [PUBLIC_V6] },
  "alias.example.net": { CNAME: "models.example.com" },
  // Names that point inside (the real nip.io and localtest.me answer the same way).
  "127.0.0.1.nip.io": { A: ["127.0.0.1"] },
  "169.254.169.254.nip.io": { A: ["169.254.169.254"] },
  "10.0.0.5.nip.io": { A: ["10.0.0.5"] },
  "localtest.me": { A: ["127.0.0.1"], AAAA: ["::1"] },
  "loopback.example.net": { A: ["127.0.0.1"] },
  "private.example.net": { A: ["10.0.0.5"] },
  "cgnat.example.net": { A: ["100.64.0.1"] },
  "zero.example.net": { A: ["0.0.0.0"] },
  "multicast.example.net": { A: ["224.0.0.1"] },
  "mixed.example.net": { A: [PUBLIC_V4, "10.0.0.5"] },
  "mixed-family.example.net": { A: [PUBLIC_V4], AAAA: ["fd00::1"] },
  "v6-loopback.example.net": { AAAA: ["::1"] },
  "v6-mapped.example.net": { A: [PUBLIC_V4], AAAA: ["::ffff:127.0.0.1"] },
  "v6-nat64.example.net": { AAAA: ["64:ff9b::a9fe:a9fe"] },
  "v6-ula.example.net": { AAAA: ["fc00::1"] },
  "v6-linklocal.example.net": { AAAA: ["fe80::1"] },
  "v6-metadata.example.net": { AAAA: ["fd00:ec2::254"] },
  // A CNAME chain to a name that resolves to a private address, and one that ends nowhere.
  "chain.example.net": { CNAME: "hop.example.net" },
  "hop.example.net": { CNAME: "inside.example.net" },
  "inside.example.net": { A: ["10.0.0.5"] },
  "dangling.example.net": { CNAME: "gone.example.net" },
  "gone.example.net": {},
  // Resolver failures.
  "servfail.example.net": { status: 2 },
  "refused.example.net": { status: 5 },
};

export const TEST_TTL_S = 60;

function recordsFor(name: string, type: "A" | "AAAA", depth = 0): { status: number; answer: object[] } {
  const zone = TEST_ZONE[name];
  if (!zone) return { status: 3, answer: [] };
  if (zone.status !== undefined) return { status: zone.status, answer: [] };
  if (zone.CNAME && depth < 8) {
    const rest = recordsFor(zone.CNAME, type, depth + 1);
    return { status: rest.status, answer: [{ name: `${name}.`, type: 5, TTL: TEST_TTL_S, data: `${zone.CNAME}.` }, ...rest.answer] };
  }
  const data = zone[type] ?? [];
  return { status: 0, answer: data.map((d) => ({ name: `${name}.`, type: type === "A" ? 1 : 28, TTL: TEST_TTL_S, data: d })) };
}

/** The stub's DoH JSON answer to `url` (…?name=…&type=A|AAAA), as cloudflare-dns.com would shape it. */
export function stubDohJson(url: URL): object {
  const name = (url.searchParams.get("name") ?? "").toLowerCase().replace(/\.$/, "");
  const type = url.searchParams.get("type") === "AAAA" ? "AAAA" : "A";
  const { status, answer } = recordsFor(name, type);
  return { Status: status, TC: false, RD: true, RA: true, AD: false, CD: false, Question: [{ name: `${name}.`, type: type === "A" ? 1 : 28 }], ...(answer.length ? { Answer: answer } : {}) };
}

/** Answers a request to the stub resolver, or returns null for any other URL. */
export function answerStubDoh(request: Request): Response | null {
  const url = new URL(request.url);
  if (`${url.origin}${url.pathname}` !== TEST_DNS_RESOLVER_URL) return null;
  return new Response(JSON.stringify(stubDohJson(url)), { headers: { "content-type": "application/dns-json" } });
}

/** True for requests to the stub resolver (test fetch stubs pass these through). */
export function isStubDohRequest(url: string): boolean {
  return url.startsWith(`${TEST_DNS_RESOLVER_URL}?`);
}

/** A fetcher for DohResolver in unit tests: the stub zone, and an error for anything else. */
export async function stubDohFetcher(request: Request): Promise<Response> {
  const response = answerStubDoh(request);
  if (!response) throw new Error(`unexpected fetch to ${request.url}`);
  return response;
}
