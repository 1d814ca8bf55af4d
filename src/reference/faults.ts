// Fault injection for the reference models, selected by a suffix of the model name so it travels
// through any OpenAI client and any ctxprobe run:
//
//   extractive-128k+faults=0.3                              30 % of calls fail, in the default mix
//   extractive-128k+429=0.1,5xx=0.1,malformed=0.05,truncated=0.05,hang=0.02,latency=200,seed=7
//
// Grammar:   model = base [ "+" param *( "," param ) ]        param = key "=" value
//   faults=R       total rate R in [0, 1], split over the kinds by DEFAULT_MIX
//   429=R          429 with `Retry-After: retry_after` and OpenAI's rate_limit_exceeded body
//   5xx=R          500, 502 or 503 (502 with a proxy's HTML page, as gateways answer)
//   malformed=R    200 whose body is not valid JSON (or a stream event that is not)
//   truncated=R    200 whose body stops mid-JSON and whose connection then breaks
//   hang=R         no answer until the client gives up; bounded by HANG_MAX_MS, then 504
//   latency=MS     added before every answer (0–60000)
//   retry_after=S  the 429's Retry-After in seconds (0–60, default 1)
//   seed=N         reproducible draws (see `drawFault`); without it, Math.random
//   tokenize=off   the server has no tokenize route: POST /reference/tokenize answers 404 for this
//                  model (as a server without one would), so runs with tokenizer "endpoint" calibrate
//   cache=N        the simulated prefix cache holds N tokens (0: none; default CACHE_CAPACITY_TOKENS)
// A kind given explicitly overrides its share of `faults`; the rates must sum to at most 1.
import { MAX_LATENCY_MS } from "./latency";
import { fnv1a, mulberry32 } from "../probes/random";

export const FAULT_KINDS = ["429", "5xx", "malformed", "truncated", "hang"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How `faults=R` is shared out: mostly retryable statuses, few hangs (each costs a timeout). */
export const DEFAULT_MIX: Readonly<Record<FaultKind, number>> = { "429": 0.3, "5xx": 0.3, malformed: 0.15, truncated: 0.2, hang: 0.05 };
/** A hanging call answers 504 after this long even if nobody gave up on it. */
export const HANG_MAX_MS = 120_000;
const SERVER_ERROR_STATUSES = [500, 502, 503] as const;

export interface FaultPlan {
  rates: Record<FaultKind, number>;
  latencyMs: number;
  retryAfterS: number;
  seed: number | null;
  /** False with `tokenize=off`: the model's server has no tokenize route. */
  tokenizeRoute: boolean;
  /** `cache=N`: the prefix cache's capacity in tokens; null for the default. */
  cacheTokens: number | null;
}

export interface FaultModel {
  /** The reference model that answers when no fault is drawn. */
  base: string;
  /** Null for a plain model name. */
  plan: FaultPlan | null;
}

/** A fault suffix that does not follow the grammar (answered as a 400 on `model`). */
export class FaultSpecError extends Error {
  override name = "FaultSpecError";
}

/** `cache=N` bound: a full cache this size keeps ~256K block keys (tens of MB). */
const MAX_CACHE_TOKENS = 4_194_304;
const RATE = /^(?:0|1|0?\.\d+|1\.0*)$/;
const UINT = /^\d{1,10}$/;

export function parseFaultModel(model: string): FaultModel {
  const plus = model.indexOf("+");
  if (plus < 0) return { base: model, plan: null };
  const base = model.slice(0, plus);
  const spec = model.slice(plus + 1);
  if (!spec) throw new FaultSpecError(`empty fault specification after '+' in '${model}'`);
  const explicit: Partial<Record<FaultKind, number>> = {};
  let total: number | null = null;
  const plan: FaultPlan = { rates: { "429": 0, "5xx": 0, malformed: 0, truncated: 0, hang: 0 }, latencyMs: 0, retryAfterS: 1, seed: null, tokenizeRoute: true, cacheTokens: null };
  const seen = new Set<string>();
  for (const param of spec.split(",")) {
    const [key, value, extra] = param.split("=");
    if (!key || value === undefined || extra !== undefined) throw new FaultSpecError(`'${param}' is not key=value`);
    if (seen.has(key)) throw new FaultSpecError(`'${key}' is given twice`);
    seen.add(key);
    if (key === "faults" || (FAULT_KINDS as readonly string[]).includes(key)) {
      if (!RATE.test(value)) throw new FaultSpecError(`'${key}' must be a rate between 0 and 1, got '${value}'`);
      if (key === "faults") total = Number(value);
      else explicit[key as FaultKind] = Number(value);
    } else if (key === "cache") {
      if (!UINT.test(value) || Number(value) > MAX_CACHE_TOKENS) throw new FaultSpecError(`'cache' must be a whole number of tokens up to ${MAX_CACHE_TOKENS}, got '${value}'`);
      plan.cacheTokens = Number(value);
    } else if (key === "latency" || key === "retry_after" || key === "seed") {
      if (!UINT.test(value)) throw new FaultSpecError(`'${key}' must be a whole number, got '${value}'`);
      const n = Number(value);
      if (key === "latency") plan.latencyMs = Math.min(n, MAX_LATENCY_MS);
      else if (key === "retry_after") plan.retryAfterS = Math.min(n, 60);
      else plan.seed = n >>> 0;
    } else if (key === "tokenize") {
      if (value !== "on" && value !== "off") throw new FaultSpecError(`'tokenize' must be on or off, got '${value}'`);
      plan.tokenizeRoute = value === "on";
    } else {
      throw new FaultSpecError(`unknown fault parameter '${key}' (known: faults, ${FAULT_KINDS.join(", ")}, latency, retry_after, seed, tokenize, cache)`);
    }
  }
  for (const kind of FAULT_KINDS) plan.rates[kind] = explicit[kind] ?? (total ?? 0) * DEFAULT_MIX[kind];
  const sum = FAULT_KINDS.reduce((s, kind) => s + plan.rates[kind], 0);
  if (sum > 1 + 1e-9) throw new FaultSpecError(`fault rates sum to ${sum.toFixed(3)}, more than 1`);
  return { base, plan };
}

export interface DrawnFault {
  kind: FaultKind;
  /** The status of a 5xx fault. */
  status: number;
}

// Per (seed, prompt) occurrence counters: the n-th call with the same prompt gets the n-th draw of
// its own sequence, so a probe's attempts are reproducible whatever order calls arrive in.
const occurrences = new Map<string, number>();
const MAX_TRACKED_PROMPTS = 50_000;

/**
 * Draws the fault of one call, or null. With a seed the draw is a pure function of
 * (seed, prompt, how many times this isolate has seen that prompt for that seed): deterministic
 * per attempt within one isolate, though a restarted Worker starts the counts again.
 */
export function drawFault(plan: FaultPlan, promptKey: string, random: () => number = Math.random): DrawnFault | null {
  let next = random;
  if (plan.seed !== null) {
    const key = `${plan.seed}:${fnv1a(promptKey)}`;
    const n = occurrences.get(key) ?? 0;
    if (occurrences.size >= MAX_TRACKED_PROMPTS) occurrences.clear();
    occurrences.set(key, n + 1);
    next = mulberry32(fnv1a(`${key}:${n}`));
  }
  const u = next();
  let cumulative = 0;
  for (const kind of FAULT_KINDS) {
    cumulative += plan.rates[kind];
    if (u < cumulative) return { kind, status: kind === "5xx" ? SERVER_ERROR_STATUSES[Math.floor(next() * 3)]! : kind === "429" ? 429 : 200 };
  }
  return null;
}

/** Forgets the seeded occurrence counts (tests). */
export function resetFaultDraws(): void {
  occurrences.clear();
}

/**
 * The answer of a fault that comes before the model runs (429, 5xx, hang), or null when the
 * model must answer first (malformed, truncated: they corrupt its answer).
 */
export async function earlyFaultResponse(fault: DrawnFault, plan: FaultPlan, signal: AbortSignal): Promise<Response | null> {
  switch (fault.kind) {
    case "429":
      return errorJson(429, "Rate limit reached for requests (injected fault).", "rate_limit_exceeded", { "retry-after": String(plan.retryAfterS) });
    case "5xx":
      if (fault.status === 502) {
        return new Response("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>", {
          status: 502,
          headers: { "content-type": "text/html" },
        });
      }
      return errorJson(fault.status, "The server had an error while processing your request (injected fault).", null);
    case "hang":
      await hang(signal, HANG_MAX_MS);
      // Nobody is listening when the client aborted; after the bound a gateway would say 504.
      return errorJson(504, "The model did not answer in time (injected hang).", null);
    default:
      return null;
  }
}

/** Waits until the caller aborts or `maxMs` passes, whichever is first. */
export function hang(signal: AbortSignal, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    signal.addEventListener("abort", done);
  });
}

/** A non-streamed answer, corrupted as the fault says. */
export function corruptJsonResponse(payload: object, kind: "malformed" | "truncated"): Response {
  const text = JSON.stringify(payload);
  if (kind === "malformed") {
    // Valid-looking start, broken end: what a proxy that mangles bodies produces.
    return new Response(`${text.slice(0, -1)},,}`, { status: 200, headers: { "content-type": "application/json" } });
  }
  return new Response(brokenStream(text.slice(0, Math.floor(text.length / 2))), { status: 200, headers: { "content-type": "application/json" } });
}

/** A streamed answer (chunks as `data:` events), corrupted as the fault says. */
export function corruptEventStreamResponse(chunks: readonly object[], kind: "malformed" | "truncated"): Response {
  const events = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
  const headers = { "content-type": "text/event-stream", "cache-control": "no-cache" };
  if (kind === "malformed") {
    const [first = "", second = "data: {}\n\n"] = events;
    // The second event's JSON is cut short, then the stream claims to be complete.
    return new Response(`${first}${second.slice(0, Math.floor(second.length / 2))}\n\ndata: [DONE]\n\n`, { status: 200, headers });
  }
  const text = events.join("");
  return new Response(brokenStream(text.slice(0, Math.floor(text.length / 2))), { status: 200, headers });
}

/** Sends `text`, then fails the body: the client sees a connection that broke mid-response. */
function brokenStream(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(bytes);
      } else {
        controller.error(new Error("connection reset (injected truncated body)"));
      }
    },
  });
}

function errorJson(status: number, message: string, code: string | null, headers: Record<string, string> = {}): Response {
  const type = status === 429 ? "requests" : "server_error";
  return new Response(JSON.stringify({ error: { message, type, param: null, code } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
