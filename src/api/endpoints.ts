// POST /v1/endpoints/check: the preflight of a model endpoint (src/lifecycle/preflight.ts).
import { createRoute } from "@hono/zod-openapi";
import { PreflightReport, PreflightRequest } from "../contract/preflight";
import { tokenRequired, TOKEN_REQUIRED } from "../http/auth";
import { checkEndpoint } from "../lifecycle/preflight-check";
import { createRouter, problemResponses } from "./router";

export const endpointsApi = createRouter();

endpointsApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/endpoints/check",
    summary: "Check an endpoint before a run (preflight)",
    description:
      "Sends a handful of tiny requests to the model's endpoint and reports each check: reachable (with the reason and the URL), credentials, " +
      "the model, the API flavour, streaming, the window the server says it serves, a tokenize route, prompt log-probabilities, and whether the " +
      "model's tokenizer counts a fixed prompt as the server does. The body is a run's `model` object. A base_url the SSRF guard refuses is a " +
      "422 naming /model/base_url, and nothing is sent. Needs a token.",
    security: TOKEN_REQUIRED,
    middleware: [tokenRequired] as const,
    request: { body: { content: { "application/json": { schema: PreflightRequest } }, required: true } },
    responses: {
      200: { description: "The report", content: { "application/json": { schema: PreflightReport } } },
      ...problemResponses(401, 422),
    },
  }),
  async (c) => c.json(await checkEndpoint(c.env, c.req.valid("json").model), 200),
);
