// The JSON API under /v1, its OpenAPI document (generated from the same zod schemas that validate
// requests) and a readable page of it. Handlers stay thin: validate → one domain call → shape the
// answer; the work lives in src/lifecycle, src/catalog and src/accounts.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env";
import { BEARER_SCHEME } from "../http/auth";
import { accountsApi } from "./accounts";
import { compareApi } from "./compare";
import { corporaApi } from "./corpora";
import { datasetsApi } from "./datasets";
import { DocsPage } from "./docs";
import { leaderboardApi } from "./leaderboard";
import { limitsApi } from "./limits";
import { endpointsApi } from "./endpoints";
import { needleSetsApi } from "./needle-sets";
import { probesApi } from "./probes";
import { runsApi } from "./runs";
import { ProblemSchema } from "./schemas";
import { seriesApi } from "./series";
import { webhooksApi } from "./webhooks";

export const OPENAPI_INFO = {
  title: "ctxprobe",
  version: "0.1.0",
  description:
    "Long-context evaluation as a service: Needle-in-a-Haystack grids, needles a keyword search cannot find (non-literal) and long-book QA, run against your checkpoint's " +
    "OpenAI-compatible endpoint, following Fu et al. 2024, Data Engineering for Scaling Language Models to 128K Context.",
};

/** Mounts the API's routes, the OpenAPI document at /openapi.json and its page at /docs on `app`. */
export function mountApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.register("Problem", ProblemSchema);
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "An API token (`ctp_…`) from POST /v1/accounts, or the admin token (the ADMIN_TOKEN secret).",
  });
  for (const routes of [accountsApi, runsApi, probesApi, leaderboardApi, corporaApi, seriesApi, datasetsApi, needleSetsApi, webhooksApi, limitsApi, endpointsApi, compareApi]) app.route("/", routes);
  app.doc31("/openapi.json", { openapi: "3.1.0", info: OPENAPI_INFO });
  app.get("/docs", (c) => c.html(<DocsPage doc={app.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO }) as never} />));
}
