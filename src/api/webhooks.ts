// /v1/runs/{id}/webhook-deliveries: the delivery log of a run's webhook, redelivery and test pings.
// The signing secret never appears here: deliveries carry the event, its bytes and every attempt.
import { createRoute, z } from "@hono/zod-openapi";
import { Page } from "../contract/page";
import { PingEventPayload, RunEventPayload, WebhookDelivery } from "../contract/webhooks";
import { requirePrincipal, tokenRequired, TOKEN_REQUIRED } from "../http/auth";
import { deliveriesPage, pingAs, redeliverAs } from "../lifecycle/webhooks/log";
import { cursorPosition, encodeCursor, isTimeCursor } from "./cursors";
import { createRouter, problemResponses } from "./router";
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

webhooksApi.openapi(listRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const { deliveries, next } = await deliveriesPage(c.env, requirePrincipal(c), c.req.valid("param").id, cursorPosition(cursor, isTimeCursor), limit);
  return c.json({ data: deliveries, next_cursor: next ? encodeCursor(next) : null }, 200);
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
    ...problemResponses(401, 403, 404, 409, 429),
  },
});

webhooksApi.openapi(redeliverRoute, async (c) => {
  const { id, delivery } = c.req.valid("param");
  const created = await redeliverAs(c.env, requirePrincipal(c), id, delivery);
  c.header("Location", `/v1/runs/${id}/webhook-deliveries`);
  return c.json(created, 202);
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
    ...problemResponses(401, 403, 404, 409, 429),
  },
});

webhooksApi.openapi(pingRoute, async (c) => {
  const { id } = c.req.valid("param");
  const created = await pingAs(c.env, requirePrincipal(c), id);
  c.header("Location", `/v1/runs/${id}/webhook-deliveries`);
  return c.json(created, 202);
});
