// A small client for the ctxprobe HTTP API: JSON in and out, bearer token, and errors turned into
// ApiError (the service's RFC 9457 problem document) or NetworkError (nothing answered).
import { CliError, EXIT, type CliIo } from "./io";
import { renderProblem, type ProblemBody } from "./problem";

export const DEFAULT_URL = "http://127.0.0.1:8787";

/** The service answered with an error status; `problem` is its problem+json body (or one made up from a non-JSON answer). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(renderProblem(problem), EXIT.failure);
  }
}

export class NetworkError extends CliError {
  constructor(url: string, cause: unknown) {
    super(`cannot reach ctxprobe at ${url}: ${describeCause(cause)}\n  is the service running (npm start)? pick another with --url or CTXPROBE_URL`, EXIT.failure);
  }
}

function describeCause(error: unknown): string {
  // fetch wraps the socket error: "fetch failed" with cause { code: "ECONNREFUSED", … }.
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code + (cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : "");
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (e.g. a stream) with `contentType`. */
  body?: BodyInit;
  contentType?: string;
}

export class ApiClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string | undefined,
    private readonly fetchImpl: typeof fetch,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** Base URL from --url, else CTXPROBE_URL, else the local default; token from CTXPROBE_TOKEN. */
  static fromOptions(url: string | undefined, io: CliIo): ApiClient {
    return new ApiClient(url || io.env.CTXPROBE_URL || DEFAULT_URL, io.env.CTXPROBE_TOKEN || undefined, io.fetch);
  }

  urlOf(path: string, query: RequestOptions["query"] = {}): string {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.urlOf(path, options.query);
    const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers["content-type"] = options.contentType ?? "application/octet-stream";
      body = options.body;
    }
    // A streamed body needs duplex "half" in Node's fetch; it is ignored for other bodies.
    const init: RequestInit & { duplex?: "half" } = { method, headers, body, duplex: body instanceof ReadableStream ? "half" : undefined };
    let res: Response;
    try {
      res = await this.fetchImpl(url, init);
    } catch (error) {
      throw new NetworkError(url, error);
    }
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, problemOf(res, text, method, url));
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${method} ${url} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }
}

/** The problem document of an error answer; a made-up one when the body is not problem JSON (a proxy's HTML page, say). */
function problemOf(res: Response, text: string, method: string, url: string): ProblemBody {
  try {
    const parsed = JSON.parse(text) as Partial<ProblemBody>;
    if (parsed && typeof parsed === "object" && (typeof parsed.detail === "string" || typeof parsed.title === "string")) {
      return { status: res.status, title: parsed.title ?? res.statusText, detail: parsed.detail ?? parsed.title ?? "", ...parsed } as ProblemBody;
    }
  } catch {
    // not JSON: fall through
  }
  const excerpt = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return { status: res.status, title: res.statusText || "HTTP error", detail: `${method} ${url} answered ${res.status}${excerpt ? `: ${excerpt}` : ""}` };
}
