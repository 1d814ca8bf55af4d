// Reading the Worker's configuration: `[vars]` in wrangler.toml arrive as strings. The bindings
// themselves are typed by the generated worker-configuration.d.ts (`npm run types`).
import { sharedDohResolver } from "./security/dns";
import { privateEndpointsSetting } from "./security/private-endpoints";
import { outboundGuardOf, refusingGuardOf, type OutboundGuard } from "./security/resolved";
import type { UrlPolicy } from "./security/ssrf";

export function envNumber(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && value !== undefined && value !== "" ? n : fallback;
}

export function envFlag(value: string | undefined): boolean {
  return value === "true" || value === "1";
}

/**
 * The SSRF guard for user-supplied URLs (model endpoints and webhooks alike) under this Worker's
 * configuration: loopback only with ALLOW_LOOPBACK_ENDPOINTS, private networks only as listed in
 * ALLOW_PRIVATE_ENDPOINTS (self-hosted deployments; empty in production), host names resolved with
 * DNS_RESOLVER_URL. The resolver (and its TTL cache) and the parsed list are one per isolate, so
 * building a guard per request or per batch is cheap. An invalid ALLOW_PRIVATE_ENDPOINTS is never
 * skipped: it is logged once and the guard refuses every URL with the error naming the entry.
 */
export function outboundGuard(env: Pick<Env, "ALLOW_LOOPBACK_ENDPOINTS" | "ALLOW_PRIVATE_ENDPOINTS" | "DNS_RESOLVER_URL">): OutboundGuard {
  const resolver = sharedDohResolver(env.DNS_RESOLVER_URL);
  const policy: UrlPolicy = { allowLoopback: envFlag(env.ALLOW_LOOPBACK_ENDPOINTS) };
  const privateEndpoints = privateEndpointsSetting(env.ALLOW_PRIVATE_ENDPOINTS);
  if (!privateEndpoints.ok) return refusingGuardOf(policy, resolver, privateEndpoints.error);
  if (privateEndpoints.list) policy.privateEndpoints = privateEndpoints.list;
  return outboundGuardOf(policy, resolver);
}
