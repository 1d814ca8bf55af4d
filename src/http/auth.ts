// Bearer-token authentication: one middleware resolves `Authorization: Bearer <token>` into a
// principal (or null without a header); routes then ask for what they need with the helpers below.
// What a principal may see and change is the domain's (src/accounts/principal.ts).
import type { Context, MiddlewareHandler } from "hono";
import type { Principal } from "../accounts/principal";
import { authenticate } from "../accounts/tokens";
import type { AppEnv } from "./app-env";
import { problem, ProblemError, problemResponse } from "./problem";

export const BEARER_SCHEME = "bearerAuth";
/** OpenAPI `security` of routes that need a token. */
export const TOKEN_REQUIRED: Record<string, string[]>[] = [{ [BEARER_SCHEME]: [] }];
/** OpenAPI `security` of routes that work without a token and show more with one (private runs). */
export const TOKEN_OPTIONAL: Record<string, string[]>[] = [{}, { [BEARER_SCHEME]: [] }];

const CHALLENGE = 'Bearer realm="ctxprobe"';

/** Resolves the bearer token once per request. A token that is sent but not valid is refused everywhere. */
export const authMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  c.set("principal", null);
  if (header !== undefined) {
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]{1,512})\s*$/i.exec(header);
    const principal = match ? await authenticate(c.env, match[1]!) : null;
    if (!principal) {
      return problemResponse(c, problem("invalid-token", 401, match ? "the bearer token is unknown or revoked" : "send the token as `Authorization: Bearer <token>`"), {
        "www-authenticate": `${CHALLENGE}, error="invalid_token"`,
      });
    }
    c.set("principal", principal);
  }
  await next();
};

/** The caller's principal; 401 without a token. */
export function requirePrincipal(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) {
    throw new ProblemError(problem("unauthorized", 401, "this request needs an API token: send `Authorization: Bearer <token>`"), { "www-authenticate": CHALLENGE });
  }
  return principal;
}

/** The admin principal; 401 without a token, 403 with another one. */
export function requireAdmin(c: Context<AppEnv>): Principal {
  const principal = requirePrincipal(c);
  if (!principal.admin) throw new ProblemError(problem("forbidden", 403, "only the admin token may do this"));
  return principal;
}

/** Route middleware: 401 before the body is even validated when no token was sent. */
export const tokenRequired: MiddlewareHandler<AppEnv> = async (c, next) => {
  requirePrincipal(c);
  await next();
};

/** Route middleware: 401 without a token and 403 with another one, before the body is validated. */
export const adminRequired: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAdmin(c);
  await next();
};
