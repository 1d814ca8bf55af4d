// Bindings and configuration of the Worker (see wrangler.toml).
import type { ProbeMessage } from "./lifecycle/messages";
import type { WebhookMessage } from "./lifecycle/webhooks/messages";

export interface Env {
  DB: D1Database;
  PROBES: Queue<ProbeMessage>;
  /** Webhook deliveries, one message per attempt (src/lifecycle/webhooks). */
  WEBHOOKS: Queue<WebhookMessage>;
  BLOBS: R2Bucket;
  SWEEPER: DurableObjectNamespace<import("./lifecycle/sweeper").Sweeper>;
  /** One per upstream endpoint: its concurrency limit, 429 pauses and waiting probes (src/lifecycle/limiter/limiter.ts). */
  LIMITER: DurableObjectNamespace<import("./lifecycle/limiter/limiter").EndpointLimiter>;
  ALLOW_LOOPBACK_ENDPOINTS?: string;
  SWEEP_INTERVAL_SECONDS?: string;
  MAX_PROBES_PER_RUN?: string;
  /** Largest book QA dataset upload in bytes (default 1 GiB). */
  MAX_DATASET_BYTES?: string;
  /**
   * Most bytes read of an endpoint's reply (default 1 MiB) and of its tokenize answers (default
   * 16 MiB); past them the body is cancelled (src/lifecycle/endpoint/bounded-body.ts).
   */
  MAX_REPLY_BYTES?: string;
  MAX_TOKENIZE_REPLY_BYTES?: string;
  /** Longest context length a run may test, in tokens (default 131072). */
  MAX_CONTEXT_LENGTH?: string;
  /** Highest max_concurrency a run may ask for (default 64). */
  MAX_CONCURRENCY_PER_RUN?: string;
  /** Runs an account may submit per 24 h (default 100); an account's own runs_per_day overrides it. */
  RUNS_PER_ACCOUNT_PER_DAY?: string;
  /** Worker secret: the admin bearer token (src/http/auth.ts). Without it no request is admin. */
  ADMIN_TOKEN?: string;
  /** Points a run may lose against the previous step of its series before it is flagged (default 5). */
  REGRESSION_MARGIN?: string;
  /** Public origin of this service (e.g. https://ctxprobe.example.com); used to recognise our own reference models. */
  PUBLIC_ORIGIN?: string;
  /** Key ring sealing secrets at rest: `kid:base64key[,kid:base64key…]`, first one seals (src/security/secrets.ts). */
  SECRETS_KEYS?: string;
  /** Webhook retry schedule: seconds before each attempt, comma-separated (default 0,5,300,1800,7200,18000,36000,36000). */
  WEBHOOK_RETRY_SCHEDULE_S?: string;
  /** Seconds a webhook receiver has to answer (default 15). */
  WEBHOOK_TIMEOUT_S?: string;
}

export function envNumber(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && value !== undefined && value !== "" ? n : fallback;
}

export function envFlag(value: string | undefined): boolean {
  return value === "true" || value === "1";
}
