// /v1/runs/{id}/endpoint-limit: read-only view of the limiter of the endpoint a run calls (shared
// with every other run on that endpoint; src/lifecycle/limiter/limiter.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { limiterFor } from "../lifecycle/limiter/limiter";
import { storedModel } from "../lifecycle/run-model";
import { createRouter, problemResponses } from "../http/app-env";
import { TOKEN_OPTIONAL, visibleRun } from "../http/auth";
import { EndpointLimit } from "../contract/limits";
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

limitsApi.openapi(route, async (c) => {
  const run = await visibleRun(c, c.req.valid("param").id);
  const model = storedModel(run);
  const limiter = limiterFor(c.env, model.base_url, model.model);
  const status = await limiter.stub.status();
  return c.json({ ...status, endpoint: limiter.endpoint }, 200);
});
