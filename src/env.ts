// Bindings and configuration of the Worker (see wrangler.toml).
import type { ProbeMessage } from "./lifecycle/messages";

export interface Env {
  DB: D1Database;
  PROBES: Queue<ProbeMessage>;
  BLOBS: R2Bucket;
  SWEEPER: DurableObjectNamespace<import("./lifecycle/sweeper").Sweeper>;
  ALLOW_LOOPBACK_ENDPOINTS?: string;
  SWEEP_INTERVAL_SECONDS?: string;
  MAX_PROBES_PER_RUN?: string;
  /** Points a run may lose against the previous step of its series before it is flagged (default 5). */
  REGRESSION_MARGIN?: string;
  /** Public origin of this service (e.g. https://ctxprobe.example.com); used to recognise our own reference models. */
  PUBLIC_ORIGIN?: string;
  /** Key ring sealing secrets at rest: `kid:base64key[,kid:base64key…]`, first one seals (src/security/secrets.ts). */
  SECRETS_KEYS?: string;
}

export function envNumber(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && value !== undefined && value !== "" ? n : fallback;
}

export function envFlag(value: string | undefined): boolean {
  return value === "true" || value === "1";
}
