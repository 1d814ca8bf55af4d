// Prompt log-probabilities from a user's endpoint, in whichever form it offers, discovered not
// assumed: the OpenAI completions `echo` + `logprobs` form (vLLM, SGLang), vLLM's `prompt_logprobs`
// extension, TGI's `/generate` with `decoder_input_details`. A 128K-token reply is ~10 MB of JSON:
// it is read as a stream with a byte cap and parsed incrementally, keeping only the numbers.
import { JSONParser } from "@streamparser/json";
import { LOGPROB_FORMS, type LogprobForm } from "../../probes/loss/forms";
import { pumpBounded, readBoundedText } from "./bounded-body";
import { classifyResponse, endpointHeaders, transportFailure, untilAborted, type CallOutcome, type EndpointTarget, type Fetcher } from "./client";

export { LOGPROB_FORMS, type LogprobForm };

/** Default cap of a log-probability reply: 64 MiB (a 128K prompt measures ~10 MB in the echo form). */
export const DEFAULT_MAX_LOGPROB_REPLY_BYTES = 64 * 1024 * 1024;

export type LogprobOutcome =
  | { kind: "ok"; logprobs: (number | null)[]; promptTokens: number | null; form: LogprobForm; latencyMs: number }
  /** The endpoint answered, but not in this form (an error status, or no log-probabilities): try the next. */
  | { kind: "unsupported"; reason: string }
  | Exclude<CallOutcome, { kind: "ok" }>;

interface FormWire {
  url(baseUrl: string): string;
  body(model: string, prompt: string): Record<string, unknown>;
  /** JSON paths whose values the form needs. */
  paths: string[];
  /** Reads one emitted value into the collected reply. */
  take(reply: Collected, path: string, value: unknown): void;
  /** What a reply that held no log-probabilities means. */
  missing: string;
}

interface Collected {
  values: (number | null)[];
  promptTokens: number | null;
  completionTokens: number | null;
}

const base = (url: string) => url.replace(/\/+$/, "");
const numberOrNull = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);

function takeUsage(reply: Collected, value: unknown): void {
  const usage = value as { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  reply.promptTokens = numberOrNull(usage?.prompt_tokens);
  reply.completionTokens = numberOrNull(usage?.completion_tokens);
}

const WIRES: Record<LogprobForm, FormWire> = {
  echo: {
    url: (b) => `${base(b)}/completions`,
    body: (model, prompt) => ({ model, prompt, max_tokens: 1, temperature: 0, echo: true, logprobs: 0 }),
    paths: ["$.choices.0.logprobs.token_logprobs.*", "$.usage"],
    take: (reply, path, value) => (path === "usage" ? takeUsage(reply, value) : reply.values.push(numberOrNull(value))),
    missing: "the reply has no choices[0].logprobs.token_logprobs (echo ignored)",
  },
  prompt_logprobs: {
    url: (b) => `${base(b)}/completions`,
    body: (model, prompt) => ({ model, prompt, max_tokens: 1, temperature: 0, prompt_logprobs: 0 }),
    paths: ["$.choices.0.prompt_logprobs.*", "$.usage"],
    take: (reply, path, value) => (path === "usage" ? takeUsage(reply, value) : reply.values.push(onlyLogprob(value))),
    missing: "the reply has no choices[0].prompt_logprobs",
  },
  tgi: {
    url: (b) => `${base(b).replace(/\/v1$/, "")}/generate`,
    body: (_model, prompt) => ({ inputs: prompt, parameters: { max_new_tokens: 1, details: true, decoder_input_details: true } }),
    paths: ["$.details.prefill.*"],
    take: (reply, _path, value) => reply.values.push(numberOrNull((value as { logprob?: unknown } | null)?.logprob)),
    missing: "the reply has no details.prefill",
  },
};

/** vLLM's per-position entry {"<id>": {logprob, …}} with prompt_logprobs: 0 holds the prompt token alone. */
function onlyLogprob(entry: unknown): number | null {
  if (entry === null || typeof entry !== "object") return null;
  const values = Object.values(entry as Record<string, { logprob?: unknown }>);
  return values.length === 1 ? numberOrNull(values[0]?.logprob) : null;
}

export function logprobRequest(form: LogprobForm, target: EndpointTarget, prompt: string): Request {
  const wire = WIRES[form];
  return new Request(wire.url(target.baseUrl), {
    method: "POST",
    headers: endpointHeaders(target.apiKey),
    body: JSON.stringify(wire.body(target.model, prompt)),
    redirect: "manual",
    signal: AbortSignal.timeout(target.timeoutMs),
  });
}

/** One call in one form. */
export async function callLogprobForm(form: LogprobForm, target: EndpointTarget & { maxLogprobBytes: number }, prompt: string, fetcher: Fetcher): Promise<LogprobOutcome> {
  const started = Date.now();
  try {
    const request = logprobRequest(form, target, prompt);
    const response = await untilAborted(fetcher(request), request.signal);
    if (!response.ok || !response.body) return await refusal(response, started, target.maxReplyBytes);
    const reply = await parseReply(WIRES[form], response.body, target.maxLogprobBytes);
    const latencyMs = Date.now() - started;
    if (reply === "too_large") return { kind: "fail", reason: `the log-probability reply exceeded ${target.maxLogprobBytes} bytes (MAX_LOGPROB_REPLY_BYTES)`, unscorable: true, latencyMs };
    if (!reply.values.length) return { kind: "unsupported", reason: WIRES[form].missing };
    return { kind: "ok", logprobs: promptPart(form, reply), promptTokens: reply.promptTokens, form, latencyMs };
  } catch (error) {
    const latencyMs = Date.now() - started;
    const name = error instanceof Error ? error.name : "";
    if (error instanceof SyntaxError || name === "TokenizerError" || name === "TokenParserError") return { kind: "retry", reason: "malformed JSON in the log-probability reply", retryAfterS: null, latencyMs };
    return transportFailure(error, WIRES[form].url(target.baseUrl), target.timeoutMs, latencyMs);
  }
}

/** A refusal in this form is "unsupported" (try the next); throttling and server errors are retried. */
async function refusal(response: Response, started: number, maxBytes = 1024 * 1024): Promise<LogprobOutcome> {
  const read = await readBoundedText(response, maxBytes);
  const text = read.kind === "text" ? read.text : "";
  const outcome = classifyResponse(response.status, text, response.headers.get("retry-after"), Date.now() - started);
  if (outcome.kind === "fail" && !outcome.unscorable && response.status !== 401 && response.status !== 403) return { kind: "unsupported", reason: outcome.reason };
  if (outcome.kind === "ok") return { kind: "unsupported", reason: `HTTP ${response.status} without a body` };
  return outcome;
}

async function parseReply(wire: FormWire, body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Collected | "too_large"> {
  const reply: Collected = { values: [], promptTokens: null, completionTokens: null };
  const parser = new JSONParser({ paths: wire.paths, keepStack: false });
  parser.onValue = ({ value, key }) => wire.take(reply, typeof key === "number" ? "item" : String(key), value);
  const end = await pumpBounded(body, maxBytes, (chunk) => {
    parser.write(chunk);
    return true;
  });
  if (end.end === "too_large") return "too_large";
  if (!parser.isEnded) parser.end();
  return reply;
}

/** The prompt's entries: echo replies go on with the generated tokens' entries, which are cut off. */
function promptPart(form: LogprobForm, reply: Collected): (number | null)[] {
  if (form !== "echo") return reply.values;
  const generated = reply.promptTokens !== null ? reply.values.length - reply.promptTokens : (reply.completionTokens ?? 1);
  return reply.values.slice(0, Math.max(0, reply.values.length - Math.max(0, generated)));
}

/**
 * The prompt's log-probabilities in the run's known form, or discovered: each form in turn until
 * one answers with them. None does: a permanent failure naming every form tried and why.
 */
export async function promptLogprobs(
  known: LogprobForm | null,
  target: EndpointTarget & { maxLogprobBytes: number },
  prompt: string,
  fetcher: Fetcher,
): Promise<LogprobOutcome> {
  const forms = known ? [known] : LOGPROB_FORMS;
  const tried: string[] = [];
  for (const form of forms) {
    const outcome = await callLogprobForm(form, target, prompt, fetcher);
    if (outcome.kind !== "unsupported") return outcome;
    tried.push(`${FORM_LABELS[form]}: ${outcome.reason}`);
  }
  return { kind: "fail", reason: `${NO_PROMPT_LOGPROBS}; tried ${tried.join("; ")}`, unscorable: false, latencyMs: 0 };
}

export const NO_PROMPT_LOGPROBS = "the endpoint returns no prompt log-probabilities";

const FORM_LABELS: Record<LogprobForm, string> = {
  echo: "completions with echo + logprobs",
  prompt_logprobs: "completions with vLLM's prompt_logprobs",
  tgi: "TGI's /generate with decoder_input_details",
};
