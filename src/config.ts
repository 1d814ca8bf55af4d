// Reading the Worker's configuration: `[vars]` in wrangler.toml arrive as strings. The bindings
// themselves are typed by the generated worker-configuration.d.ts (`npm run types`).
import { sharedDohResolver } from "./security/dns";
import { outboundGuardOf, type OutboundGuard } from "./security/resolved";

export function envNumber(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && value !== undefined && value !== "" ? n : fallback;
}

export function envFlag(value: string | undefined): boolean {
  return value === "true" || value === "1";
}

/**
 * The SSRF guard for user-supplied URLs under this Worker's configuration: loopback only with
 * ALLOW_LOOPBACK_ENDPOINTS, host names resolved with DNS_RESOLVER_URL. The resolver (and its TTL
 * cache) is one per isolate, so building a guard per request or per batch is cheap.
 */
export function outboundGuard(env: Pick<Env, "ALLOW_LOOPBACK_ENDPOINTS" | "DNS_RESOLVER_URL">): OutboundGuard {
  return outboundGuardOf({ allowLoopback: envFlag(env.ALLOW_LOOPBACK_ENDPOINTS) }, sharedDohResolver(env.DNS_RESOLVER_URL));
}
