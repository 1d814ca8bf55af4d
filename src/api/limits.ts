// /v1/runs/{id}/endpoint-limit: read-only view of the limiter of the endpoint a run calls (shared
// with every other run on that endpoint; src/lifecycle/limiter/limiter.ts).
import { createRoute } from "@hono/zod-openapi";
import { EndpointLimit } from "../contract/limits";
import { TOKEN_OPTIONAL } from "../http/auth";
import { endpointLimit } from "../lifecycle/runs";
import { createRouter, problemResponses } from "./router";
import { RunIdParam } from "./schemas";

export const limitsApi = createRouter();

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

limitsApi.openapi(route, async (c) => c.json(await endpointLimit(c.env, c.get("principal"), c.req.valid("param").id), 200));
