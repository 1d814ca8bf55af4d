// The DNS-aware SSRF guard: `checkOutboundUrl` (ssrf.ts) first, then, for host names, a
// DNS-over-HTTPS lookup (dns.ts) whose every A and AAAA answer must be a public address (or, in a
// self-hosted deployment, one ALLOW_PRIVATE_ENDPOINTS allows: private-endpoints.ts). Callers run
// it when a URL is saved and again before each fetch of a user URL.
//
// "Again before each fetch" and the cache: the resolver reuses an answer for its TTL (capped at 5
// minutes), so a re-check within that time is answered from the isolate's cache. That is still a
// legitimate re-check: it is the answer the name's owner published for that period, which is also
// what a stub resolver on the fetching host would use. Rebinding inside that window, or between this
// check and the connection, is not prevented here: Workers `fetch` resolves names itself and cannot
// be pinned to the address we checked. Production egress rules (service.md §4.2) narrow that gap.
//
// Pure TypeScript (no `node:` or Cloudflare imports): the resolver is injected.

import { classifyHost } from "./classify";
import { type DnsAnswer, type DnsResolver, type Fetcher, type ResolvedAddress } from "./dns";
import { LISTED_NAME_RESOLVER_HINT, addressHint, allowsAddress } from "./private-endpoints";
import { type UrlPolicy, checkOutboundUrl } from "./ssrf";

export type ResolvedUrlVerdict =
  /** `resolved` is the DNS answer that was checked, or null when no lookup was needed (IP literal, localhost). */
  | { ok: true; url: URL; resolved: DnsAnswer | null }
  /** `retryable`: the resolver failed (SERVFAIL, timeout, unreachable); the URL itself may be fine. */
  | { ok: false; reason: string; retryable?: boolean };

/** Why `address` (an answer for `host`) is refused, or null if the policy allows it. */
function refusalOf(host: string, answer: DnsAnswer, address: ResolvedAddress, policy: UrlPolicy): string | null {
  const cls = classifyHost(address.address);
  if (cls.kind === "public") return null;
  // Same rule as for IP literals: loopback only in local development, and never in a disguised
  // (IPv4-mapped or translated) form.
  if (cls.kind === "loopback" && policy.allowLoopback && !cls.embedded) return null;
  // Self-hosted: a private or CGNAT address inside an ALLOW_PRIVATE_ENDPOINTS CIDR (never metadata,
  // link-local or a disguised form), whether or not the name itself was listed.
  if (allowsAddress(policy.privateEndpoints, cls)) return null;
  const via = answer.aliases.length ? ` (via CNAME ${answer.aliases.join(" → ")})` : "";
  const shown = address.family === 6 ? `[${address.address}]` : address.address;
  return `host ${host} resolves${via} to ${shown}, ${cls.detail}${addressHint(cls, policy.privateEndpoints)}`;
}

/**
 * Runs the synchronous URL checks, then resolves the host name and refuses it if ANY address is not
 * public (loopback is accepted only under `policy.allowLoopback`, private and CGNAT addresses only
 * inside `policy.privateEndpoints` CIDRs). IP literals get the synchronous checks only. A failed
 * lookup refuses: the guard fails closed.
 */
export async function checkOutboundUrlResolved(raw: string, policy: UrlPolicy, resolver: DnsResolver): Promise<ResolvedUrlVerdict> {
  const verdict = checkOutboundUrl(raw, policy);
  if (!verdict.ok) return verdict;
  const host = verdict.url.hostname; // as fetch will use it: lowercase, punycode
  const cls = classifyHost(host);
  // Every name is looked up but `localhost` (let through only under allowLoopback), which never goes
  // to DNS. A non-public name got here only by being listed in ALLOW_PRIVATE_ENDPOINTS.
  if (cls.family !== "name" || cls.kind === "loopback") return { ok: true, url: verdict.url, resolved: null };
  const lookup = await resolver.resolve(host);
  if (!lookup.ok) {
    const hint = cls.kind === "public" ? "" : LISTED_NAME_RESOLVER_HINT;
    return { ok: false, reason: `${lookup.reason}${hint}`, retryable: lookup.retryable };
  }
  for (const address of lookup.answer.addresses) {
    const refusal = refusalOf(host, lookup.answer, address, policy);
    if (refusal) return { ok: false, reason: refusal };
  }
  return { ok: true, url: verdict.url, resolved: lookup.answer };
}

/** A policy and a resolver, bound together: what callers in the Worker carry around. */
export interface OutboundGuard {
  readonly policy: UrlPolicy;
  readonly resolver: DnsResolver;
  check(url: string): Promise<ResolvedUrlVerdict>;
}

export function outboundGuardOf(policy: UrlPolicy, resolver: DnsResolver): OutboundGuard {
  return { policy, resolver, check: (url) => checkOutboundUrlResolved(url, policy, resolver) };
}

/**
 * A guard that refuses every URL, for a service whose guard settings are invalid (config.ts): it
 * fails closed and says why. `retryable`: the URLs themselves may be fine once the operator fixes it.
 */
export function refusingGuardOf(policy: UrlPolicy, resolver: DnsResolver, problem: string): OutboundGuard {
  const reason = `this service's outbound URL settings are invalid, so no URL is allowed until its operator fixes them: ${problem}`;
  return { policy, resolver, check: async () => ({ ok: false, reason, retryable: true }) };
}

/** Thrown by a guarded fetcher instead of sending a request the guard refuses. */
export class OutboundUrlRefusedError extends Error {
  override readonly name = "OutboundUrlRefusedError";
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(`the URL ${url} is not allowed: ${reason}`);
  }
}

/**
 * Wraps a fetcher so that every request is checked (resolved) first, whatever code sends it. A
 * refusal rejects with OutboundUrlRefusedError, so callers that treat a rejection as a network error
 * still never send the request.
 */
export function guardedFetcher(fetcher: Fetcher, guard: OutboundGuard): Fetcher {
  return async (request) => {
    const verdict = await guard.check(request.url);
    if (!verdict.ok) throw new OutboundUrlRefusedError(request.url, verdict.reason, verdict.retryable ?? false);
    return fetcher(request);
  };
}
