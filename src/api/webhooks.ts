// /v1/runs/{id}/webhook-deliveries: the delivery log of a run's webhook, redelivery and test pings.
// The signing secret never appears here: deliveries carry the event, its bytes and every attempt.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { WebhookAttemptRow, WebhookDeliveryRow } from "../db/schema";
import { createPing, redeliver } from "../lifecycle/webhooks/events";
import { attemptsOf, getDelivery, pageDeliveries } from "../lifecycle/webhooks/store";
import { createRouter, problemResponses, type AppEnv } from "../http/app-env";
import { managedRun, tokenRequired, TOKEN_REQUIRED } from "../http/auth";
import { problem, ProblemError } from "../http/problem";
import { decodeCursor, encodeCursor } from "./resources";
import { Page } from "../contract/page";
import { PingEventPayload, RunEventPayload, WebhookAttempt, WebhookDelivery } from "../contract/webhooks";
import { PageQuery, RunIdParam } from "./schemas";

export const webhooksApi = createRouter();

// What the service sends (documented in the OpenAPI document's top-level `webhooks` map).
const SignatureHeaders = z.object({
  "webhook-id": z.string().openapi({ description: "msg_…: the same for every attempt and redelivery of one event; deduplicate on it." }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds of this attempt." }),
  "webhook-signature": z.string().openapi({
    description: "v1,<base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>` keyed by the base64-decoded secret (after `whsec_`)>.",
  }),
});

const eventResponses = {
  200: { description: "Any 2xx: delivered." },
  410: { description: "Gone: no further deliveries; the run's webhook is disabled." },
  default: { description: "Anything else (and timeouts after 15 s, and redirects): retried on the schedule." },
};

for (const [name, schema, summary] of [
  ["run-event", RunEventPayload, "run.succeeded, run.failed or run.cancelled, sent to the run's webhook URL"],
  ["webhook-ping", PingEventPayload, "webhook.ping, sent on POST /v1/runs/{id}/webhook-deliveries/ping"],
] as const) {
  webhooksApi.openAPIRegistry.registerWebhook({
    method: "post",
    path: name,
    summary,
    description: "Standard Webhooks: verify the signature on the raw body, e.g. `new Webhook(secret).verify(body, headers)` with the `standardwebhooks` package.",
    request: { headers: SignatureHeaders, body: { content: { "application/json": { schema } } } },
    responses: eventResponses,
  });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function attemptResource(a: WebhookAttemptRow): z.infer<typeof WebhookAttempt> {
  return {
    attempt: a.attempt,
    outcome: a.outcome,
    webhook_timestamp: a.webhookTimestamp,
    http_status: a.httpStatus,
    error: a.error,
    response_excerpt: a.responseExcerpt,
    duration_ms: a.durationMs,
    started_at: iso(a.startedAt)!,
    finished_at: iso(a.finishedAt),
    next_attempt_at: iso(a.nextAttemptAt),
  };
}

function deliveryResource(d: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): z.infer<typeof WebhookDelivery> {
  return {
    id: d.id,
    run_id: d.runId,
    event: d.eventType,
    webhook_id: d.msgId,
    status: d.status,
    manual: d.manual === 1,
    redelivery_of: d.redeliveryOf,
    attempts_made: d.attempts,
    next_attempt_at: d.status === "pending" ? iso(d.nextAttemptAt) : null,
    last_http_status: d.lastHttpStatus,
    last_error: d.lastError,
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    created_at: iso(d.createdAt)!,
    finished_at: iso(d.finishedAt),
    attempts: attempts.map(attemptResource),
  };
}

async function runWithWebhook(c: Context<AppEnv>, id: string) {
  // The log shows the receiver's URL and its answers: the run's account (or the admin) only, like sending.
  const run = await managedRun(c, id);
  if (!run.webhookUrl) throw new ProblemError(problem("no-webhook", 409, `run ${id} was submitted without a webhook`));
  return run;
}

const DeliveryParams = RunIdParam.extend({
  delivery: z.string().min(1).max(64).openapi({ param: { name: "delivery", in: "path" }, example: "dlv_..." }),
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/webhook-deliveries",
  security: TOKEN_REQUIRED,
  middleware: [tokenRequired] as const,
  summary: "The run's webhook deliveries with every attempt, newest first",
  description: "Shows the receiver's URL and the start of its answers, so only the run's account (or the admin) may read it, even for a public run.",
  request: { params: RunIdParam, query: PageQuery },
  responses: {
    200: { description: "A page of deliveries", content: { "application/json": { schema: Page(WebhookDelivery, "WebhookDeliveryPage") } } },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

const isDeliveryCursor = (v: unknown): v is { c: number; i: string } =>
  typeof v === "object" && v !== null && typeof (v as { c: unknown }).c === "number" && typeof (v as { i: unknown }).i === "string";

webhooksApi.openapi(listRoute, async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  await runWithWebhook(c, id);
  const after = cursor ? decodeCursor(cursor, isDeliveryCursor) : null;
  if (cursor && !after) {
    throw new ProblemError(problem("validation-failed", 422, "cursor is not valid", { errors: [{ pointer: "/cursor", detail: "not a cursor this API issued", in: "query" }] }));
  }
  const rows = await pageDeliveries(c.env.DB, id, after, limit + 1);
  const page = rows.slice(0, limit);
  const attempts = await attemptsOf(c.env.DB, page.map((d) => d.id));
  const last = page.at(-1);
  return c.json(
    {
      data: page.map((d) => deliveryResource(d, attempts.get(d.id) ?? [])),
      next_cursor: rows.length > limit && last ? encodeCursor({ c: last.createdAt, i: last.id }) : null,
    },
    200,
  );
});

const redeliverRoute = createRoute({
  method: "post",
  path: "/v1/runs/{id}/webhook-deliveries/{delivery}/redeliver",
  security: TOKEN_REQUIRED,
  middleware: [tokenRequired] as const,
  summary: "Send a delivery's event again",
  description:
    "Starts a new delivery of the same event — same `webhook-id`, same body, a fresh retry schedule — and answers 202 with it. " +
    "It is sent even if the webhook was disabled by a 410; if the receiver accepts it, the webhook is enabled again. " +
    "A delivery still pending answers 409.",
  request: { params: DeliveryParams },
  responses: {
    202: { description: "The new delivery", content: { "application/json": { schema: WebhookDelivery } } },
    ...problemResponses(401, 403, 404, 409),
  },
});

webhooksApi.openapi(redeliverRoute, async (c) => {
  const { id, delivery: deliveryId } = c.req.valid("param");
  await runWithWebhook(c, id);
  const original = await getDelivery(c.env.DB, deliveryId);
  if (!original || original.runId !== id) throw new ProblemError(problem("not-found", 404, `run ${id} has no webhook delivery ${deliveryId}`));
  if (original.status === "pending") throw new ProblemError(problem("delivery-pending", 409, `delivery ${deliveryId} is still being attempted`));
  const created = await redeliver(c.env, original);
  c.header("Location", `/v1/runs/${id}/webhook-deliveries`);
  return c.json(deliveryResource(created, []), 202);
});

const pingRoute = createRoute({
  method: "post",
  path: "/v1/runs/{id}/webhook-deliveries/ping",
  security: TOKEN_REQUIRED,
  middleware: [tokenRequired] as const,
  summary: "Send a test event (webhook.ping) to the run's webhook",
  description:
    "Delivered like any event: signed, from the queue, with the same retry schedule. Sent even if the webhook was disabled by a 410; " +
    "if the receiver accepts it, the webhook is enabled again.",
  request: { params: RunIdParam },
  responses: {
    202: { description: "The ping's delivery", content: { "application/json": { schema: WebhookDelivery } } },
    ...problemResponses(401, 403, 404, 409),
  },
});

webhooksApi.openapi(pingRoute, async (c) => {
  const { id } = c.req.valid("param");
  const run = await runWithWebhook(c, id);
  const created = await createPing(c.env, run);
  c.header("Location", `/v1/runs/${id}/webhook-deliveries`);
  return c.json(deliveryResource(created, []), 202);
});
