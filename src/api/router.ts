// API routers: OpenAPI-described routes whose validation failures become RFC 9457 problems with
// one entry per bad field.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env";
import { problemResponse, zodProblem } from "../http/problem";

export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problemResponse(c, zodProblem(result.error, result.target));
    },
  });
}

export const problemResponses = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      code,
      {
        description:
          { 400: "Malformed request", 401: "Missing or invalid bearer token", 403: "Not allowed for this token", 404: "Not found", 409: "Conflict", 413: "Body too large", 422: "Invalid request", 429: "Quota exceeded", 503: "Unavailable" }[code] ??
          "Error",
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      },
    ]),
  );
