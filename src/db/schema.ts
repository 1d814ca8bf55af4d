// D1 schema (drizzle). Migrations in migrations/ are generated from this file by drizzle-kit
// and applied by wrangler. D1 is the source of truth for every run: queues only carry ids.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { PublicModel } from "../contract/model";
import type { RunPreflight } from "../contract/preflight";
import type { Regression, ServingFingerprint } from "../contract/run";
import type { ProbeBuild } from "../probes/suites/suite";
import type { NonliteralProbeFacts } from "../probes/nonliteral/facts";
import type { RulerProbeFacts } from "../probes/ruler/facts";
import type { RunTokenization } from "../probes/needle/endpoint-tokenization";
import type { RunLogprobs } from "../probes/loss/forms";
import type { RunMcScoring } from "../probes/mmlu/scoring";
import type { SuiteRecipe } from "../probes/suites";
import type { SuiteAggregate } from "../probes/suites/suite";
import { PROBE_STATUSES, type ProbeScores } from "../probes/types";

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed", "cancelled"] }).notNull(),
    modelName: text("model_name").notNull(),
    /** The submitted model config without its api_key. */
    model: text("model_json", { mode: "json" }).$type<Partial<PublicModel>>().notNull(),
    /** The endpoint's API key, sealed (src/security/secrets.ts, context `run:<id>:api_key`); opened only to call. Never returned. */
    apiKeySealed: text("api_key_sealed"),
    /** The account that submitted the run (src/accounts/accounts.ts); `admin` for the admin token. */
    accountId: text("account_id"),
    /** 1 when base_url is this service's own /reference/v1: calls are routed inside the Worker. */
    internalEndpoint: integer("internal_endpoint").notNull().default(0),
    /** 1 when the model is one of the built-in reference baselines. */
    reference: integer("reference").notNull().default(0),
    /** Resolved suites (grid, corpus, tokenizer...): the recipe every prompt is rebuilt from (JSON). */
    suites: text("suites_json", { mode: "json" }).$type<SuiteRecipe[]>().notNull(),
    public: integer("public").notNull().default(1),
    total: integer("total").notNull(),
    /** Settled probes (scored + unscorable + failed + truncated + incomplete). */
    done: integer("done").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    unscorable: integer("unscorable").notNull().default(0),
    /** Probes the server cut silently (reported prompt_tokens well below what was sent). */
    truncated: integer("truncated").notNull().default(0),
    /** Reasoning replies that ended inside their reasoning (no answer to score). */
    incomplete: integer("incomplete").notNull().default(0),
    /** Probes whose reported prompt_tokens disagreed with ours by more than 1 %. */
    tokenMismatches: integer("token_mismatches").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    /** Prompt tokens the endpoint reported as served from its prefix cache. */
    cachedTokens: integer("cached_tokens").notNull().default(0),
    /** Per-suite aggregates computed by the finalizer. */
    results: text("results_json", { mode: "json" }).$type<SuiteAggregate[]>(),
    error: text("error"),
    /** How many times the finalizer ran for this run; exactly-once is asserted by tests. */
    finalizeCount: integer("finalize_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    lastProgressAt: integer("last_progress_at").notNull(),
    idempotencyKey: text("idempotency_key"),
    requestSha256: text("request_sha256"),
    /** A checkpoint series (e.g. llama2-7b-80k) and this run's place in it. */
    series: text("series"),
    step: integer("step"),
    tokensTrained: integer("tokens_trained"),
    /** Set by the finalizer: the comparison with the previous step of the run's series. */
    regression: text("regression_json", { mode: "json" }).$type<Regression>(),
    /** Webhook for this run's events (src/lifecycle/webhooks); null without one. */
    webhookUrl: text("webhook_url"),
    /** Its signing secret, sealed (src/security/secrets.ts, context `run:<id>:webhook_secret`). Never returned. */
    webhookSecret: text("webhook_secret"),
    /** Origin the run was submitted to: payload links use PUBLIC_ORIGIN, else this. */
    webhookOrigin: text("webhook_origin"),
    /** `disabled` after the receiver answered 410 Gone: automatic events are no longer sent. */
    webhookStatus: text("webhook_status", { enum: ["enabled", "disabled"] }),
    webhookDisabledReason: text("webhook_disabled_reason"),
    /**
     * Tokenizer "endpoint" only: how lengths are counted in the endpoint's own tokens (JSON, see
     * src/lifecycle/endpoint/needle.ts): its tokenize route and tokenizer fingerprint, or a
     * calibration against usage.prompt_tokens (lengths approximate). Written once, by the first probe.
     */
    tokenization: text("tokenization_json", { mode: "json" }).$type<RunTokenization>(),
    /** Loss suites: the form the endpoint returns prompt log-probabilities in, found by the first probe (or why there is none). */
    logprobs: text("logprobs_json", { mode: "json" }).$type<RunLogprobs>(),
    /** Multiple-choice suites: how answers are scored on this endpoint, decided by the first probe (log-likelihood where it offers top log-probabilities). */
    mcScoring: text("mc_scoring_json", { mode: "json" }).$type<RunMcScoring>(),
    /** What the endpoint said about itself before the first call (engine, version, model, window). */
    serving: text("serving_json", { mode: "json" }).$type<ServingFingerprint>(),
    /** The preflight taken before the run's first call (src/lifecycle/attempt/run-preflight.ts); first writer wins. */
    preflight: text("preflight_json", { mode: "json" }).$type<RunPreflight>(),
    /**
     * Whose calls these are, for the endpoint's limiter: a hash of the run's API key, or the account
     * for a keyless endpoint. One credential's 429 pauses only that credential's calls.
     */
    credential: text("credential"),
  },
  (t) => [
    index("runs_status_progress").on(t.status, t.lastProgressAt),
    index("runs_board").on(t.public, t.status, t.finishedAt),
    index("runs_created").on(t.createdAt),
    index("runs_idempotency").on(t.idempotencyKey),
    index("runs_series").on(t.series, t.step),
    index("runs_account_created").on(t.accountId, t.createdAt),
  ],
);

export const probes = sqliteTable(
  "probes",
  {
    runId: text("run_id").notNull(),
    idx: integer("idx").notNull(),
    suiteIndex: integer("suite_index").notNull(),
    suiteType: text("suite_type").notNull(),
    contextLength: integer("context_length"),
    depthPercent: integer("depth_percent"),
    /** Dataset suites (book QA): the question's position in the run's frozen question list. */
    item: integer("item"),
    status: text("status", { enum: PROBE_STATUSES }).notNull(),
    /** When the probe was last handed to the queue; null = not yet dispatched. */
    dispatchedAt: integer("dispatched_at"),
    /** The sweeper re-dispatches a pending probe whose lease has run out. */
    leaseUntil: integer("lease_until"),
    /**
     * Set while an attempt is out (until its lease ends); a second message for the probe then
     * begins nothing, so a duplicate delivery or a sweeper re-send never calls the endpoint twice at once.
     */
    attemptUntil: integer("attempt_until"),
    attempts: integer("attempts").notNull().default(0),
    /** Tokens of haystack + needle as built, in the run's tokenizer. */
    constructedTokens: integer("constructed_tokens"),
    /** Tokens the whole prompt should have in the run's tokenizer (constructed + template). */
    expectedPromptTokens: integer("expected_prompt_tokens"),
    /** usage.prompt_tokens reported by the endpoint. */
    promptTokens: integer("prompt_tokens"),
    /** usage.prompt_tokens_details.cached_tokens: served from the endpoint's prefix cache. */
    cachedTokens: integer("cached_tokens"),
    /** 1 when the reported count is off the expected one by more than 1 %: wrong tokenizer? */
    tokenMismatch: integer("token_mismatch").notNull().default(0),
    completionTokens: integer("completion_tokens"),
    latencyMs: integer("latency_ms"),
    /** Time to first token when the reply was streamed. */
    ttftMs: integer("ttft_ms"),
    finishReason: text("finish_reason"),
    response: text("response"),
    /** A reasoning model's reasoning (reasoning_content, or a <think> block), kept apart from the scored answer. */
    reasoning: text("reasoning"),
    scores: text("scores_json", { mode: "json" }).$type<ProbeScores>(),
    promptSha256: text("prompt_sha256"),
    /** Tokenizer "endpoint" only: what the probe's first build fixed (needle: character cuts; RULER: proxy budget) and its token counts. */
    build: text("build_json", { mode: "json" }).$type<ProbeBuild>(),
    error: text("error"),
    settledAt: integer("settled_at"),
    /** 1 when the endpoint reported usage numbers that cannot be true (negative, fractional, absurdly large): they were dropped. */
    usageDropped: integer("usage_dropped").notNull().default(0),
    /** Non-literal: the pair, character and distractors the prompt held, and where (see NonliteralProbeFacts); RULER: task, sample and expected answers (RulerProbeFacts). */
    facts: text("facts_json", { mode: "json" }).$type<NonliteralProbeFacts | RulerProbeFacts>(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.idx] }),
    index("probes_run_status").on(t.runId, t.status),
    // The live run page reads what settled since its last read (src/lifecycle/live.ts).
    index("probes_run_settled").on(t.runId, t.settledAt),
  ],
);

export type RunRow = typeof runs.$inferSelect;
export type ProbeRow = typeof probes.$inferSelect;
export const nowMs = sql`(unixepoch('subsec') * 1000)`;

export * from "./catalog-schema";

/**
 * One webhook event to send to a run's webhook (src/lifecycle/webhooks). A redelivery is a new row
 * with the same msg_id and payload. The delivery owns its retry schedule: each attempt is claimed
 * with a token (one sender at a time), and next_attempt_at lets the sweeper re-enqueue lost messages.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    runId: text("run_id").notNull(),
    /** The `webhook-id` header: the same for every attempt and every redelivery of one event. */
    msgId: text("msg_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact body sent (and signed). */
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed", "disabled"] }).notNull(),
    /** 1 for pings and redeliveries: asked for by the user, so sent even to a disabled webhook. */
    manual: integer("manual").notNull().default(0),
    redeliveryOf: text("redelivery_of"),
    /** Attempts started so far. */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    claimToken: text("claim_token"),
    claimedUntil: integer("claimed_until"),
    lastHttpStatus: integer("last_http_status"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("webhook_deliveries_due").on(t.status, t.nextAttemptAt), index("webhook_deliveries_run").on(t.runId, t.createdAt)],
);

/** Every attempt of a delivery: what was sent when, and what came back. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    outcome: text("outcome", { enum: ["sending", "succeeded", "failed", "gone", "lost"] }).notNull(),
    /** The `webhook-timestamp` header of this attempt (unix seconds). */
    webhookTimestamp: integer("webhook_timestamp").notNull(),
    httpStatus: integer("http_status"),
    error: text("error"),
    /** The first characters of the receiver's answer, for debugging. */
    responseExcerpt: text("response_excerpt"),
    durationMs: integer("duration_ms"),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    /** When the next attempt is due after this one failed; null when none follows. */
    nextAttemptAt: integer("next_attempt_at"),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;

/** Accounts own runs and API tokens. `runs_per_day` overrides RUNS_PER_ACCOUNT_PER_DAY when set. */
export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
  runsPerDay: integer("runs_per_day"),
  /** The account's default webhook, used by runs submitted without a `webhook` of their own. */
  webhookUrl: text("webhook_url"),
  /** Its Standard Webhooks secret, sealed (context `account:<id>:webhook_secret`). Never returned. */
  webhookSecret: text("webhook_secret"),
});

/** Bearer API tokens: only the SHA-256 (hex) of a token is stored, never the token. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    hash: text("hash").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash").on(t.hash), index("api_tokens_account").on(t.accountId)],
);

export type AccountRow = typeof accounts.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
