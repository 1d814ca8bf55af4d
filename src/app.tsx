// The HTTP surface of the Worker, composed: the JSON API and its documents (src/api), the reference
// models under /reference/v1 (an upstream endpoint of their own, src/reference), and the public pages
// (src/web). Every error becomes an RFC 9457 problem.
import { createRouter } from "./api/router";
import { mountApi } from "./api";
import { authMiddleware } from "./http/auth";
import { securityHeaders } from "./http/security-headers";
import { referenceBodyLimit } from "./reference/limits";
import { errorResponse, problem, problemResponse } from "./http/problem";
import { referenceRoutes } from "./reference/routes";
import { referenceTokenizeRoutes } from "./reference/tokenize";
import { webRoutes } from "./web/routes";

export function createApp() {
  const app = createRouter();
  // The reference models are an upstream endpoint, not our API: their Authorization header is a
  // run's endpoint key, never one of our tokens.
  app.use("*", securityHeaders);
  app.use("*", (c, next) => (c.req.path.startsWith("/reference/") ? next() : authMiddleware(c, next)));
  // The reference models are anonymous: their bodies are capped like any user's input.
  app.use("/reference/*", referenceBodyLimit);
  mountApi(app);
  app.route("/reference/v1", referenceRoutes);
  // vLLM-style POST /tokenize at the reference server's root (beside /v1, as vLLM serves it).
  app.route("/reference", referenceTokenizeRoutes);
  app.route("/", webRoutes);
  app.notFound((c) => problemResponse(c, problem("not-found", 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
  app.onError((error, c) => errorResponse(error, c));
  return app;
}
