// RFC 9457 problem details. Every error the API returns goes through here, so clients can rely on
// `type`, `title`, `status`, `detail` and, for validation errors, `errors[]` with JSON Pointers.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { DomainError, pointerOf, type ErrorKind, type FieldIssue } from "../common/errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export type FieldError = FieldIssue;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<string, string> = {
  "validation-failed": "Your request is not valid",
  "not-found": "Not found",
  "run-not-cancellable": "The run cannot be cancelled",
  "body-too-large": "Request body too large",
  "idempotency-key-reused": "Idempotency-Key reused with a different request",
  "endpoint-rejected-url": "The URL is not allowed",
  "no-webhook": "The run has no webhook",
  "delivery-pending": "The delivery is still being attempted",
  "internal-error": "Internal error",
  unauthorized: "Authentication required",
  "invalid-token": "The bearer token is not valid",
  forbidden: "Not allowed for this token",
  "quota-exceeded": "Quota exceeded",
  "secrets-unavailable": "Secrets storage not configured",
};

export function problem(slug: string, status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: `/problems/${slug}`, title: TITLES[slug] ?? slug, status, detail, ...extra };
}

export function problemResponse(c: Context, p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ instance: new URL(c.req.url).pathname, ...p }), {
    status: p.status,
    headers: { ...headers, "content-type": PROBLEM_CONTENT_TYPE },
  });
}

/** Raised anywhere in a handler to answer with a problem document (and e.g. WWW-Authenticate or Retry-After). */
export class ProblemError extends HTTPException {
  constructor(
    readonly problemBody: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problemBody.status as 400, { message: problemBody.detail });
  }
}

const TARGET_TO_IN: Record<string, FieldError["in"]> = { json: "body", query: "query", param: "path", header: "header" };

export function zodProblem(error: ZodError, target: string): Problem {
  const where = TARGET_TO_IN[target] ?? "body";
  const errors: FieldError[] = error.issues.flatMap((issue) => {
    // Unknown keys are reported once per key, each with its own pointer.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        pointer: pointerOf([...issue.path, key]),
        detail: `unknown field "${key}"`,
        in: where,
      }));
    }
    return [{ pointer: pointerOf(issue.path), detail: issue.message, in: where }];
  });
  const first = errors[0];
  const detail =
    errors.length === 1 && first
      ? `${first.pointer === "/" ? "the " + where : first.pointer}: ${first.detail}`
      : `${errors.length} fields are invalid; see errors[]`;
  return problem("validation-failed", 422, detail, { errors });
}

const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 422,
  "not-found": 404,
  forbidden: 403,
  conflict: 409,
  "quota-exceeded": 429,
  unavailable: 503,
  "too-large": 413,
};

/** A domain refusal as a problem document, with Retry-After where the domain says when to retry. */
export function problemOfDomainError(error: DomainError): { problem: Problem; headers: Record<string, string> } {
  const { fields, retryAfterS, extra } = error.details;
  const body = problem(error.code, STATUS_OF[error.kind], error.message, { ...(fields ? { errors: fields } : {}), ...extra });
  return { problem: body, headers: retryAfterS === undefined ? {} : { "retry-after": String(retryAfterS) } };
}

/**
 * The answer to any error a route raised: a problem it chose, a domain refusal, an unreadable body
 * (Hono raises these for malformed JSON: the client's fault, never a 5xx), or our own fault (logged).
 */
export function errorResponse(error: Error, c: Context): Response {
  if (error instanceof ProblemError) return problemResponse(c, error.problemBody, error.headers);
  if (error instanceof DomainError) {
    const { problem: body, headers } = problemOfDomainError(error);
    return problemResponse(c, body, headers);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    return problemResponse(c, problem(status === 400 ? "malformed-request" : "http-error", status, error.message || "bad request"));
  }
  console.error(JSON.stringify({ event: "http.error", path: new URL(c.req.url).pathname, error: String(error) }));
  return problemResponse(c, problem("internal-error", 500, "an internal error occurred; it has been logged"));
}
