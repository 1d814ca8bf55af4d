// The HTTP surface: JSON API under /v1, the reference models under /reference/v1, the OpenAPI
// document and its human page. Handlers stay thin; the work lives in src/lifecycle.
import { HTTPException } from "hono/http-exception";
import { accountsApi } from "./accounts";
import { authMiddleware, BEARER_SCHEME } from "../http/auth";
import { referenceRoutes } from "../reference/routes";
import { referenceTokenizeRoutes } from "../reference/tokenize";
import { createRouter } from "../http/app-env";
import { DocsPage } from "./docs";
import { corporaApi } from "./corpora";
import { datasetsApi } from "./datasets";
import { leaderboardApi } from "./leaderboard";
import { limitsApi } from "./limits";
import { problem, ProblemError, problemResponse, PROBLEM_CONTENT_TYPE } from "../http/problem";
import { runsApi } from "./runs";
import { seriesApi } from "./series";
import { webhooksApi } from "./webhooks";
import { webRoutes } from "../web/routes";
import { ProblemSchema } from "./schemas";

export const OPENAPI_INFO = {
  title: "ctxprobe",
  version: "0.1.0",
  description:
    "Long-context evaluation as a service: Needle-in-a-Haystack grids and long-book QA, run against your checkpoint's " +
    "OpenAI-compatible endpoint, following Fu et al. 2024, Data Engineering for Scaling Language Models to 128K Context.",
};

export function createApp() {
  const app = createRouter();
  app.openAPIRegistry.register("Problem", ProblemSchema);
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "An API token (`ctp_…`) from POST /v1/accounts, or the admin token (the ADMIN_TOKEN secret).",
  });
  // The reference models are an upstream endpoint, not our API: their Authorization header is a
  // run's endpoint key, never one of our tokens.
  app.use("*", (c, next) => (c.req.path.startsWith("/reference/") ? next() : authMiddleware(c, next)));

  app.route("/", accountsApi);
  app.route("/", runsApi);
  app.route("/", leaderboardApi);
  app.route("/", corporaApi);
  app.route("/", seriesApi);
  app.route("/", datasetsApi);
  app.route("/", webhooksApi);
  app.route("/", limitsApi);
  app.route("/reference/v1", referenceRoutes);
  // vLLM-style POST /tokenize at the reference server's root (beside /v1, as vLLM serves it).
  app.route("/reference", referenceTokenizeRoutes);
  app.route("/", webRoutes);

  app.doc31("/openapi.json", { openapi: "3.1.0", info: OPENAPI_INFO });
  app.get("/docs", (c) => c.html(<DocsPage doc={app.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO }) as never} />));
  app.notFound((c) => problemResponse(c, problem("not-found", 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error.problemBody, error.headers);
    if (error instanceof HTTPException) {
      // Hono raises these for unreadable bodies (e.g. malformed JSON): the client's fault, never a 5xx.
      const status = error.status;
      return problemResponse(c, problem(status === 400 ? "malformed-request" : "http-error", status, error.message || "bad request"));
    }
    console.error(JSON.stringify({ event: "http.error", path: new URL(c.req.url).pathname, error: String(error) }));
    return problemResponse(c, problem("internal-error", 500, "an internal error occurred; it has been logged"));
  });
  return app;
}

export { PROBLEM_CONTENT_TYPE };
