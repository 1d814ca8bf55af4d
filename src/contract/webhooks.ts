// Webhooks: the events the service sends (signed per Standard Webhooks; the OpenAPI document lists
// them under `webhooks`) and the delivery log a run's account can read.
import { z } from "zod";
import { RunWarning } from "./run";

const EventLinks = z.object({ run: z.string().meta({ description: "The run in the JSON API." }), page: z.string().meta({ description: "The run's public page." }) });

export const RunEventPayload = z
  .object({
    type: z.enum(["run.succeeded", "run.failed", "run.cancelled"]),
    timestamp: z.string().meta({ description: "When the event occurred (the run finished), ISO 8601." }),
    data: z.object({
      run_id: z.string(),
      status: z.enum(["succeeded", "failed", "cancelled"]),
      model: z.object({ name: z.string() }),
      reference: z.boolean(),
      public: z.boolean(),
      series: z.string().nullable(),
      step: z.int().nullable(),
      tokens_trained: z.int().nullable(),
      progress: z.object({ total: z.int(), done: z.int(), failed: z.int(), unscorable: z.int(), truncated: z.int(), incomplete: z.int(), token_mismatches: z.int() }),
      suites: z.array(
        z.object({
          index: z.int(),
          type: z.string(),
          dataset: z.string().optional(),
          scores: z.record(z.string(), z.number().nullable()),
          effective_context_length: z.object({ length: z.int().nullable(), low: z.int().nullable(), high: z.int().nullable() }).optional().meta({
            description: "Needle: of the grid; non-literal: of one_hop and two_hop pooled (relative rule).",
          }),
          literal_gap: z.object({ length: z.int().nullable(), low: z.int().nullable(), high: z.int().nullable() }).nullable().optional().meta({
            description: "Non-literal: literal minus non-literal effective length in tokens, with its 95 % interval (relative rule).",
          }),
          ruler: z
            .object({ average: z.number().nullable(), effective_context_length: z.object({ length: z.int().nullable(), low: z.int().nullable(), high: z.int().nullable() }) })
            .optional()
            .meta({ description: "RULER suites: the RULER average (0–100) and the effective length by RULER's 85.6 rule with its 95 % interval." }),
          mmlu: z.object({ scoring: z.string().nullable(), micro: z.number().nullable(), macro: z.number().nullable() }).optional().meta({
            description: "Multiple choice: how answers were scored, and micro and macro accuracy (0–100).",
          }),
          loss_at: z.record(z.string(), z.object({ loss: z.number(), low: z.number().nullable(), high: z.number().nullable() })).optional().meta({
            description: "Loss: context length → Loss@L (mean NLL in nats over all domains) with its 95 % interval over documents.",
          }),
        }),
      ),
      effective_context_length: z
        .object({ length: z.int().nullable(), low: z.int().nullable(), high: z.int().nullable(), suite: z.int() })
        .nullable()
        .meta({ description: "Of the first needle suite, with its 95 % bootstrap interval." }),
      regression: z.unknown().nullable().meta({ description: "As in the run: the comparison with the previous step of its series." }),
      warnings: z.array(RunWarning).meta({ description: "As in the run: prompts the server cut, token counts that disagree with the tokenizer, incomplete reasoning replies, lengths above a discovered window." }),
      error: z.string().nullable(),
      created_at: z.string().nullable(),
      finished_at: z.string().nullable(),
      links: EventLinks,
    }),
  })
  .meta({ id: "RunEvent" });
export type RunEventPayload = z.infer<typeof RunEventPayload>;

export const PingEventPayload = z
  .object({
    type: z.literal("webhook.ping"),
    timestamp: z.string(),
    data: z.object({ run_id: z.string(), status: z.string(), links: EventLinks }),
  })
  .meta({ id: "PingEvent" });
export type PingEventPayload = z.infer<typeof PingEventPayload>;

export const WebhookAttempt = z
  .object({
    attempt: z.int().meta({ description: "1-based, within this delivery." }),
    outcome: z.enum(["sending", "succeeded", "failed", "gone", "lost"]).meta({
      description: "sending: in flight; gone: the receiver answered 410; lost: the sender stopped before recording a result.",
    }),
    webhook_timestamp: z.int().meta({ description: "The webhook-timestamp header of this attempt (unix seconds)." }),
    http_status: z.int().nullable(),
    error: z.string().nullable().meta({ description: "Why the attempt failed: HTTP status, redirect, timeout or network error." }),
    response_excerpt: z.string().nullable().meta({ description: "The first 300 characters of the receiver's answer." }),
    duration_ms: z.int().nullable(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    next_attempt_at: z.string().nullable().meta({ description: "When the following attempt is due; null when none follows." }),
  })
  .meta({ id: "WebhookAttempt" });

export const WebhookDelivery = z
  .object({
    id: z.string(),
    run_id: z.string(),
    event: z.string().meta({ description: "run.succeeded, run.failed, run.cancelled or webhook.ping." }),
    webhook_id: z.string().meta({ description: "The webhook-id header: the same for every attempt and every redelivery of one event." }),
    status: z.enum(["pending", "succeeded", "failed", "disabled"]).meta({
      description: "failed: the retry schedule ran out; disabled: the receiver answered 410 Gone (or the webhook was disabled before it was sent).",
    }),
    manual: z.boolean().meta({ description: "A ping or redelivery, asked for through the API." }),
    redelivery_of: z.string().nullable(),
    attempts_made: z.int(),
    next_attempt_at: z.string().nullable(),
    last_http_status: z.int().nullable(),
    last_error: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()).meta({ description: "The event exactly as sent (and signed)." }),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    attempts: z.array(WebhookAttempt),
  })
  .meta({ id: "WebhookDelivery" });

export type WebhookAttempt = z.infer<typeof WebhookAttempt>;
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
