// Errors the domain raises for the caller to see: what kind of refusal it is, a stable code, the
// message, and the request fields at fault (JSON Pointers). The HTTP layer turns them into RFC 9457
// problems (src/http/problem.ts); the domain never speaks HTTP.

export type ErrorKind = "invalid" | "not-found" | "forbidden" | "conflict" | "quota-exceeded" | "unavailable" | "too-large";

export interface FieldIssue {
  /** JSON Pointer (RFC 6901) into the request part named by `in`. */
  pointer: string;
  detail: string;
  in?: "body" | "query" | "path" | "header";
}

export interface ErrorDetails {
  fields?: FieldIssue[];
  /** When a retry may succeed (quotas). */
  retryAfterS?: number;
  /** Further members for the problem document. */
  extra?: Record<string, unknown>;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** A stable code for clients, e.g. `validation-failed`, `quota-exceeded`. */
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** "Your request is not valid": one or more fields at fault; the message names the field when there is one. */
export function invalid(fields: FieldIssue[], summary: (count: number) => string, code = "validation-failed"): DomainError {
  const [first] = fields;
  const message = fields.length === 1 && first ? `${first.pointer}: ${first.detail}` : summary(fields.length);
  return new DomainError("invalid", code, message, { fields });
}

export function pointerOf(path: readonly PropertyKey[]): string {
  return "/" + path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
}

export const notFound = (message: string) => new DomainError("not-found", "not-found", message);
