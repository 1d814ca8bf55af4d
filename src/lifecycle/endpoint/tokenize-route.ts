// An inference server's own tokenizer, through its tokenize route. Three shapes exist:
//
//   vLLM / SGLang  POST {root}/tokenize  {model, prompt, add_special_tokens, return_token_strs}
//                  → {count, max_model_len, tokens: [ids], token_strs?: [vocabulary strings]}
//   llama.cpp      POST {root}/tokenize  {content, add_special, with_pieces}
//                  → {tokens: [ids]} or, with pieces, {tokens: [{id, piece: string | bytes[]}]}
//   TGI            POST {root}/tokenize  {inputs} → [{id, text, start, stop}]
//
// {root} is base_url without its trailing /v1 (the routes live at the server root), then base_url
// itself. Discovery sends one small body that every shape accepts (each server ignores the others'
// fields) to each candidate in turn; the first that answers 2xx in a known shape is remembered, per
// isolate and on the run. Only 404/405/400/422/501 mean "not here": a 5xx or a timeout is an error
// (retried with the probe), never taken as proof that the route is missing.
//
// Every call goes through the same transport as the completions calls (the run's fetcher: global
// fetch or this Worker's own app for the reference models), with the run's timeout, its sealed API
// key opened by the consumer, redirects not followed, and each candidate URL through the SSRF guard
// (it shares base_url's origin, which passed it at submission, but the path is ours to check too).
// The consumer calls it while holding the probe's endpoint permit, so the endpoint's limiter
// bounds these calls like any other.
import { endpointHeaders, parseRetryAfter, untilAborted, type Fetcher } from "./client";
import type { TokenizeFlavor, TokenizeRoute } from "../../probes/needle/endpoint-tokenization";
import { DEFAULT_MAX_TOKENIZE_REPLY_BYTES, readBoundedText, tooLargeDetail } from "./bounded-body";
import { PieceAlignmentError, type PieceForm } from "../../probes/tokenizers/pieces";

export interface TokenizerTarget {
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  timeoutMs: number;
  /** Most bytes of a tokenize answer read (default DEFAULT_MAX_TOKENIZE_REPLY_BYTES; the Worker passes MAX_TOKENIZE_REPLY_BYTES). */
  maxTokenizeReplyBytes?: number;
  /** Carried to the calibration calls, which are completions (see EndpointTarget). */
  maxReplyBytes?: number;
}

export interface Tokenized {
  ids: number[];
  /** Per-token pieces when the server gave them, and in which form. */
  pieces: Array<string | number[]> | null;
  pieceForm: PieceForm | null;
}

/** A failed call that may succeed later (5xx, timeout, network): the probe is retried. */
export class TokenizeCallError extends Error {
  /**
   * @param throttle set when the endpoint said "slow down" (429, or 503 with Retry-After): the
   *   probe's permit goes back to the endpoint's limiter as throttled, so it pauses and narrows.
   */
  constructor(
    message: string,
    readonly throttle?: { retryAfterS: number | null },
  ) {
    super(message);
    this.name = "TokenizeCallError";
  }
}

/**
 * A tokenize answer larger than the cap; the rest of it was not read. Asking again would bring the
 * same answer, so it is never retried: it is a PieceAlignmentError (the route cannot be used to
 * place characters), which the probe lifecycle already treats as final. For the corpus request
 * with pieces the run then calibrates instead (and says why); for a count or discovery call the
 * probe ends unscorable with this message, after one attempt.
 */
export class TokenizeReplyTooLargeError extends PieceAlignmentError {
  constructor(url: string, limit: number, read: { bytes: number; declared: boolean }) {
    super(`the tokenize answer of ${url} exceeded ${limit} bytes; ${tooLargeDetail(read, "MAX_TOKENIZE_REPLY_BYTES")}`);
    this.name = "TokenizeReplyTooLargeError";
  }
}

/** The throttle signal of a tokenize answer, if it is one. */
function throttleOf(status: number, retryAfter: string | null): { retryAfterS: number | null } | undefined {
  const retryAfterS = parseRetryAfter(retryAfter);
  return status === 429 || (status === 503 && retryAfterS !== null) ? { retryAfterS } : undefined;
}

/** Text whose token ids identify a tokenizer: words, numbers, whitespace runs, accents, CJK, emoji. */
export const FINGERPRINT_TEXT =
  "ctxprobe tokenizer fingerprint: The best thing to do in San Francisco is eat a sandwich.\n" +
  "  Indentation,\ttabs, 1234567890 3.14159; naïve café — Straße, 東京タワー, 🙂🚀! <|im_start|> end.";

/** Candidate tokenize URLs for a base_url: the server root (base_url minus /v1), then base_url itself. */
export function tokenizeCandidates(baseUrl: string): string[] {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, "");
  const root = path.replace(/\/v\d+$/, "");
  const candidates = [`${url.origin}${root}/tokenize`, `${url.origin}${path}/tokenize`];
  return [...new Set(candidates)];
}

function bodyFor(flavor: TokenizeFlavor | "any", model: string, text: string, withPieces: boolean): Record<string, unknown> {
  const vllm = { model, prompt: text, add_special_tokens: false, ...(withPieces ? { return_token_strs: true } : {}) };
  const llamacpp = { content: text, add_special: false, with_pieces: withPieces };
  const tgi = { inputs: text };
  if (flavor === "vllm") return vllm;
  if (flavor === "llamacpp") return llamacpp;
  if (flavor === "tgi") return tgi;
  return { ...vllm, ...llamacpp, ...tgi };
}

/** Reads any of the three answer shapes; null when the body is none of them. */
export function parseTokenizeAnswer(json: unknown): (Tokenized & { flavor: TokenizeFlavor }) | null {
  const isInt = (x: unknown): x is number => Number.isInteger(x);
  if (Array.isArray(json)) {
    // TGI: [{id, text, start, stop}]; the text of each token is its slice of the input.
    if (!json.every((t) => typeof t === "object" && t !== null && isInt((t as { id: unknown }).id) && typeof (t as { text: unknown }).text === "string")) return null;
    const tokens = json as Array<{ id: number; text: string }>;
    return { flavor: "tgi", ids: tokens.map((t) => t.id), pieces: tokens.map((t) => t.text), pieceForm: "text" };
  }
  if (typeof json !== "object" || json === null) return null;
  const body = json as { tokens?: unknown; token_strs?: unknown; count?: unknown };
  if (!Array.isArray(body.tokens)) return null;
  if (body.tokens.every(isInt)) {
    const strs = Array.isArray(body.token_strs) && body.token_strs.length === body.tokens.length && body.token_strs.every((s) => typeof s === "string") ? (body.token_strs as string[]) : null;
    // vLLM answers with count/max_model_len; llama.cpp without pieces with tokens only.
    const flavor: TokenizeFlavor = "count" in body || "max_model_len" in body || "token_strs" in body ? "vllm" : "llamacpp";
    return { flavor, ids: body.tokens as number[], pieces: strs, pieceForm: strs ? "vocab" : null };
  }
  const withPieces = body.tokens as Array<{ id?: unknown; piece?: unknown }>;
  if (withPieces.every((t) => typeof t === "object" && t !== null && isInt(t.id) && (typeof t.piece === "string" || (Array.isArray(t.piece) && t.piece.every(isInt))))) {
    return { flavor: "llamacpp", ids: withPieces.map((t) => t.id as number), pieces: withPieces.map((t) => t.piece as string | number[]), pieceForm: "text" };
  }
  return null;
}

const NOT_HERE = new Set([400, 404, 405, 422, 501]);

export interface TokenizerClientDeps {
  fetcher: Fetcher;
  /** The SSRF guard for a URL derived from base_url; null when allowed. Skipped for internal endpoints. */
  checkUrl?: (url: string) => string | null | Promise<string | null>;
}

async function post(url: string, body: unknown, target: TokenizerTarget, deps: TokenizerClientDeps): Promise<{ status: number; json: unknown; retryAfter: string | null }> {
  const refused = await deps.checkUrl?.(url);
  if (refused) throw new Error(`tokenize URL ${url} refused: ${refused}`);
  const headers = endpointHeaders(target.apiKey);
  const request = new Request(url, { method: "POST", headers, body: JSON.stringify(body), redirect: "manual", signal: AbortSignal.timeout(target.timeoutMs) });
  let response: Response;
  try {
    response = await untilAborted(deps.fetcher(request), request.signal);
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    throw new TokenizeCallError(name === "TimeoutError" || name === "AbortError" ? `tokenize call timed out after ${Math.round(target.timeoutMs / 1000)} s` : `tokenize call failed: ${String(error)}`);
  }
  const retryAfter = response.headers.get("retry-after");
  if (!response.ok) {
    // Only the status of a refusal matters (callers read the body of a 2xx only): not read at all.
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, json: null, retryAfter };
  }
  const limit = target.maxTokenizeReplyBytes ?? DEFAULT_MAX_TOKENIZE_REPLY_BYTES;
  const answer = await readBoundedText(response, limit);
  if (answer.kind === "too_large") throw new TokenizeReplyTooLargeError(url, limit, answer);
  let json: unknown = null;
  try {
    json = JSON.parse(answer.text);
  } catch {
    json = null;
  }
  return { status: response.status, json, retryAfter };
}

/** Finds the endpoint's tokenize route, or null when it has none; with it, the tokenizer's fingerprint. */
export async function discoverTokenizeRoute(target: TokenizerTarget, deps: TokenizerClientDeps): Promise<{ route: TokenizeRoute; fingerprint: string } | null> {
  for (const url of tokenizeCandidates(target.baseUrl)) {
    const { status, json, retryAfter } = await post(url, bodyFor("any", target.model, FINGERPRINT_TEXT, false), target, deps);
    if (status >= 200 && status < 300) {
      const answer = parseTokenizeAnswer(json);
      if (!answer) continue; // something else lives at this path
      return { route: { url, flavor: answer.flavor }, fingerprint: await fingerprintOf(answer.ids) };
    }
    if (status === 401 || status === 403) throw new Error(`tokenize route ${url} refused the run's credentials (${status})`);
    // Not here (redirects are not followed either): try the next candidate.
    if (NOT_HERE.has(status) || (status >= 300 && status < 400)) continue;
    throw new TokenizeCallError(`tokenize route ${url} answered ${status}`, throttleOf(status, retryAfter));
  }
  return null;
}

/** First 16 hex digits of the SHA-256 of the fingerprint text's ids: equal ids, equal tokenizer (for our purposes). */
export async function fingerprintOf(ids: readonly number[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(ids)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
}

/** Tokenizes `text` through a discovered route (no BOS or other special tokens where the server allows it). */
export async function tokenizeVia(route: TokenizeRoute, target: TokenizerTarget, text: string, deps: TokenizerClientDeps, withPieces = false): Promise<Tokenized> {
  const { status, json, retryAfter } = await post(route.url, bodyFor(route.flavor, target.model, text, withPieces), target, deps);
  if (status < 200 || status >= 300) {
    const message = `tokenize route ${route.url} answered ${status}`;
    if (status === 429 || status === 408 || status >= 500) throw new TokenizeCallError(message, throttleOf(status, retryAfter));
    throw new Error(message);
  }
  const answer = parseTokenizeAnswer(json);
  if (!answer) throw new TokenizeCallError(`tokenize route ${route.url} answered a body in no known shape`);
  return answer;
}

/** Token count of `text` through the route. */
export async function countVia(route: TokenizeRoute, target: TokenizerTarget, text: string, deps: TokenizerClientDeps): Promise<number> {
  if (text === "") return 0;
  return (await tokenizeVia(route, target, text, deps)).ids.length;
}
