// /v1/runs/{id}/endpoint-limit: read-only view of the limiter of the endpoint a run calls (shared
// with every other run on that endpoint; src/lifecycle/limiter/limiter.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { limiterFor } from "../lifecycle/limiter/limiter";
import { storedModel } from "../lifecycle/run-model";
import { createRouter, problemResponses } from "../http/app-env";
import { TOKEN_OPTIONAL, visibleRun } from "../http/auth";
import { RunIdParam } from "./schemas";

export const limitsApi = createRouter();

const EndpointLimit = z
  .object({
    endpoint: z.string().openapi({ description: "The limiter's key: normalized base_url#model." }),
    ceiling: z.int().nullable().openapi({ description: "Smallest max_concurrency of the runs that called this endpoint in the last 2 minutes; null when none did." }),
    limit: z.int().nullable().openapi({ description: "Calls allowed in flight now: the ceiling, or less after a 429 (AIMD)." }),
    reduced: z.boolean().openapi({ description: "True while a 429 holds the limit below the ceiling; it recovers by one per window of successes." }),
    in_flight: z.int().openapi({ description: "Permits held: calls out now (and permits reserved for waiting probes being re-sent)." }),
    waiting: z.int().openapi({ description: "Probes waiting for a permit; the limiter re-sends them as permits free." }),
    paused_until: z.string().nullable().openapi({ description: "While a 429's Retry-After holds, no call starts before this time (ISO 8601)." }),
    throttles: z.int().openapi({ description: "429s (and 503s with Retry-After) this endpoint answered so far." }),
  })
  .openapi("EndpointLimit");

const route = createRoute({
  method: "get",
  path: "/v1/runs/{id}/endpoint-limit",
  summary: "The concurrency limit of the run's endpoint",
  description: "One limiter per endpoint (base_url and model) is shared by every run that calls it.",
  security: TOKEN_OPTIONAL,
  request: { params: RunIdParam },
  responses: {
    200: { description: "The limiter's state now", content: { "application/json": { schema: EndpointLimit } } },
    ...problemResponses(404),
  },
});

limitsApi.openapi(route, async (c) => {
  const run = await visibleRun(c, c.req.valid("param").id);
  const model = storedModel(run);
  const limiter = limiterFor(c.env, model.base_url, model.model);
  const status = await limiter.stub.status();
  return c.json({ ...status, endpoint: limiter.endpoint }, 200);
});
