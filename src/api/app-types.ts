import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../env";
import { problemResponse, zodProblem } from "./problem";

export type AppEnv = { Bindings: Env };

/** A router whose validation failures become RFC 9457 problems with one entry per bad field. */
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
        description: { 400: "Malformed request", 404: "Not found", 409: "Conflict", 413: "Body too large", 422: "Invalid request" }[code] ?? "Error",
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      },
    ]),
  );
