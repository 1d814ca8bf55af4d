// DNS-over-HTTPS client for the SSRF guard (resolved.ts). It asks a resolver's JSON API
// (`accept: application/dns-json`, as served by cloudflare-dns.com and dns.google) for the A and AAAA
// records of a name and returns every address, after following the CNAME chain in the answer.
//
// Pure TypeScript (no `node:` or Cloudflare imports): the fetcher is injected, so unit tests run in
// Node with a stub and the Worker passes global fetch. Failures are answers, never exceptions: the
// guard refuses ("fails closed") whenever a lookup is not a clean answer.
//
// Answers are cached per isolate for their TTL (capped), in a bounded map: a run's many probes to one
// endpoint resolve its name about once per TTL. Lookups still in flight are deliberately not shared:
// in workerd a promise driven by one request's I/O must not be awaited from another request, so only
// finished answers (plain data) are shared. Concurrent first checks of a name may each ask.

import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./ip";

export type Fetcher = (request: Request) => Promise<Response>;

export const DEFAULT_DNS_RESOLVER_URL = "https://cloudflare-dns.com/dns-query";
export const DEFAULT_DNS_TIMEOUT_MS = 5_000;
/** Longest time an answer is reused, whatever its TTL says. */
export const DEFAULT_DNS_MAX_TTL_S = 300;
export const DEFAULT_DNS_CACHE_ENTRIES = 1_000;

export interface ResolvedAddress {
  family: 4 | 6;
  /** Canonical text form (dotted decimal, RFC 5952 IPv6). */
  address: string;
}

export interface DnsAnswer {
  /** The name asked for: lowercase, no trailing dot. */
  name: string;
  /** Every A and AAAA address in the answers (never empty). */
  addresses: ResolvedAddress[];
  /** CNAME targets met on the way, in order (empty when the name has its own records). */
  aliases: string[];
  /** Lowest TTL of the records used, in seconds. */
  ttlS: number;
}

export type DnsLookup =
  | { ok: true; answer: DnsAnswer; cached: boolean }
  /** `reason` reads "could not resolve <name>: …"; `retryable` when the resolver, not the name, failed. */
  | { ok: false; reason: string; retryable: boolean };

export interface DnsResolver {
  resolve(name: string): Promise<DnsLookup>;
}

export interface DohResolverOptions {
  /** The resolver's JSON endpoint (default https://cloudflare-dns.com/dns-query). */
  url?: string;
  /** Called for every query; defaults to global fetch, looked up at call time. */
  fetcher?: Fetcher;
  timeoutMs?: number;
  now?: () => number;
  maxEntries?: number;
  maxTtlS?: number;
}

type QueryType = "A" | "AAAA";
const TYPE_CODE: Record<QueryType, number> = { A: 1, AAAA: 28 };
const CNAME = 5;
const RCODES: Record<number, string> = { 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED" };

type QueryResult =
  | { ok: true; addresses: ResolvedAddress[]; aliases: string[]; ttlS: number }
  | { ok: false; detail: string; retryable: boolean };

const fail = (detail: string, retryable: boolean): QueryResult => ({ ok: false, detail, retryable });

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** The address in an A or AAAA record's `data`, strictly in its plain text form, or undefined. */
function addressOf(type: QueryType, data: string): ResolvedAddress | undefined {
  if (type === "A") {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(data)) return undefined;
    const v4 = parseIpv4(data);
    return v4 === undefined || formatIpv4(v4) !== data ? undefined : { family: 4, address: data };
  }
  const v6 = data.includes("%") ? undefined : parseIpv6(data);
  return v6 ? { family: 6, address: formatIpv6(v6) } : undefined;
}

/** Reads one DoH JSON answer (`{"Status":0,"Answer":[{"name","type","TTL","data"}]}`). */
export function parseDohAnswer(type: QueryType, json: unknown): QueryResult {
  if (typeof json !== "object" || json === null) return fail("the resolver's answer is not a DNS JSON object", true);
  const { Status: status, Answer: records = [] } = json as { Status?: unknown; Answer?: unknown };
  if (typeof status !== "number") return fail("the resolver's answer has no Status", true);
  if (status === 3) return fail("no such name (NXDOMAIN)", false);
  if (status !== 0) return fail(`the resolver answered ${RCODES[status] ?? `rcode ${status}`}`, true);
  if (!Array.isArray(records)) return fail("the resolver's answer has a malformed Answer section", true);
  const addresses: ResolvedAddress[] = [];
  const aliases: string[] = [];
  let ttlS = Infinity;
  for (const record of records as unknown[]) {
    const { type: code, TTL: ttl, data } = (record ?? {}) as { type?: unknown; TTL?: unknown; data?: unknown };
    if (typeof code !== "number" || typeof data !== "string" || typeof ttl !== "number" || !(ttl >= 0)) {
      return fail("the resolver's answer has a malformed record", true);
    }
    if (code === CNAME) {
      aliases.push(normalizeName(data));
    } else if (code === TYPE_CODE[type]) {
      const address = addressOf(type, data);
      if (!address) return fail(`the resolver returned ${type} record data that is not an address: ${JSON.stringify(data.slice(0, 60))}`, true);
      addresses.push(address);
    } else {
      continue; // e.g. RRSIG: not an address and not on the chain
    }
    ttlS = Math.min(ttlS, ttl);
  }
  return { ok: true, addresses, aliases, ttlS };
}

/** Rejects after `ms` even if the fetcher ignores its abort signal. */
function withTimeout<T>(pending: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DOMException(`no answer within ${ms} ms`, "TimeoutError")), ms);
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

async function queryDoh(endpoint: URL, name: string, type: QueryType, fetcher: Fetcher, timeoutMs: number): Promise<QueryResult> {
  const url = new URL(endpoint);
  url.searchParams.set("name", name);
  url.searchParams.set("type", type);
  const request = new Request(url, { headers: { accept: "application/dns-json" }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  let json: unknown;
  try {
    const response = await withTimeout(fetcher(request), timeoutMs);
    if (response.status !== 200) {
      response.body?.cancel().catch(() => undefined);
      return fail(`the resolver answered HTTP ${response.status}`, true);
    }
    const text = await withTimeout(response.text(), timeoutMs);
    try {
      json = JSON.parse(text);
    } catch {
      return fail("the resolver's answer is not valid JSON", true);
    }
  } catch (error) {
    const kind = error instanceof Error ? error.name : "";
    if (kind === "TimeoutError" || kind === "AbortError") return fail(`no answer from the resolver within ${timeoutMs} ms`, true);
    return fail(`the resolver could not be reached (${error instanceof Error ? error.message : String(error)})`, true);
  }
  return parseDohAnswer(type, json);
}

type QueryFailure = Extract<QueryResult, { ok: false }>;

/** A and AAAA together: either failing fails the lookup (an unchecked family could be the one fetch uses). */
function combine(name: string, a: QueryResult, aaaa: QueryResult): DnsLookup {
  if (!a.ok || !aaaa.ok) {
    const failures = [a, aaaa].filter((r): r is QueryFailure => !r.ok);
    // NXDOMAIN (not retryable) is the more telling reason when both failed.
    const failure = failures.find((f) => !f.retryable) ?? failures[0]!;
    return { ok: false, reason: `could not resolve ${name}: ${failure.detail}`, retryable: failure.retryable };
  }
  const aliases = a.aliases.length >= aaaa.aliases.length ? a.aliases : aaaa.aliases;
  const addresses = [...a.addresses, ...aaaa.addresses];
  if (addresses.length === 0) {
    const chain = aliases.length ? ` (its CNAME chain ends at ${aliases.at(-1)})` : "";
    return { ok: false, reason: `could not resolve ${name}: no A or AAAA records${chain}`, retryable: false };
  }
  const ttlS = Math.min(a.ttlS, aaaa.ttlS);
  return { ok: true, answer: { name, addresses, aliases, ttlS: Number.isFinite(ttlS) ? ttlS : 0 }, cached: false };
}

interface CacheEntry {
  answer: DnsAnswer;
  expiresAt: number;
}

/** DNS-over-HTTPS resolver with a per-instance TTL cache (see the file comment). */
export class DohResolver implements DnsResolver {
  readonly url: string;
  private readonly endpoint: URL | null;
  private readonly fetcher: Fetcher;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly maxTtlS: number;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: DohResolverOptions = {}) {
    this.url = options.url ?? DEFAULT_DNS_RESOLVER_URL;
    this.endpoint = resolverEndpoint(this.url);
    this.fetcher = options.fetcher ?? ((request) => fetch(request));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_DNS_CACHE_ENTRIES);
    this.maxTtlS = options.maxTtlS ?? DEFAULT_DNS_MAX_TTL_S;
  }

  async resolve(host: string): Promise<DnsLookup> {
    const name = normalizeName(host);
    const hit = this.cache.get(name);
    if (hit && hit.expiresAt > this.now()) {
      this.cache.delete(name); // re-insert: the map's order is least recently used first
      this.cache.set(name, hit);
      return { ok: true, answer: hit.answer, cached: true };
    }
    if (hit) this.cache.delete(name);
    return this.lookup(name);
  }

  /** Forgets every cached answer (tests; a resolver change). */
  clear(): void {
    this.cache.clear();
  }

  private async lookup(name: string): Promise<DnsLookup> {
    if (!this.endpoint) return { ok: false, reason: `could not resolve ${name}: the DNS resolver URL ${JSON.stringify(this.url)} is not an http(s) URL`, retryable: true };
    const [a, aaaa] = await Promise.all([
      queryDoh(this.endpoint, name, "A", this.fetcher, this.timeoutMs),
      queryDoh(this.endpoint, name, "AAAA", this.fetcher, this.timeoutMs),
    ]);
    const result = combine(name, a, aaaa);
    if (result.ok) this.store(name, result.answer);
    return result;
  }

  private store(name: string, answer: DnsAnswer): void {
    const ttlS = Math.min(answer.ttlS, this.maxTtlS);
    if (!(ttlS > 0)) return; // TTL 0: the answer is for this use only
    for (const [key, entry] of this.cache) {
      if (this.cache.size < this.maxEntries && entry.expiresAt > this.now()) break;
      this.cache.delete(key); // expired, or the least recently used while the map is full
    }
    this.cache.set(name, { answer, expiresAt: this.now() + ttlS * 1000 });
  }
}

function resolverEndpoint(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed : null;
  } catch {
    return null;
  }
}

const shared = new Map<string, DohResolver>();

/**
 * The resolver for `url`, one per isolate: its cache is shared by every request and queue batch the
 * isolate serves. An empty or missing URL means the default resolver.
 */
export function sharedDohResolver(url?: string): DohResolver {
  const key = url || DEFAULT_DNS_RESOLVER_URL;
  let resolver = shared.get(key);
  if (!resolver) {
    resolver = new DohResolver({ url: key });
    if (shared.size >= 8) shared.clear(); // the URL comes from configuration: a handful at most
    shared.set(key, resolver);
  }
  return resolver;
}
