// Preflight: what an endpoint can do, checked in seconds before anything is planned — reachable
// (with the reason, naming the URL), credentials accepted, the model served, the API flavour and
// streaming answering, the window it serves, a tokenize route, prompt log-probabilities, and
// whether the run's tokenizer counts a fixed prompt as the server does (usage.prompt_tokens).
import type { ModelSpec } from "../contract/model";
import type { PreflightReport } from "../contract/preflight";
import { getTokenizer, loadTokenizer } from "../probes/tokenizers";
import type { BuiltPrompt, TokenizerName } from "../probes/types";
import { DEFAULT_MAX_REPLY_BYTES } from "./endpoint/bounded-body";
import { callEndpoint, type CallOutcome, type EndpointTarget, type Fetcher } from "./endpoint/client";
import { fingerprintEndpoint } from "./endpoint/fingerprint";
import { promptLogprobs } from "./endpoint/prompt-logprobs";
import { discoverTokenizeRoute } from "./endpoint/tokenize-route";

const CHECK_TIMEOUT_MS = 10_000;

/** A fixed prompt of ordinary English, ~60 tokens in every tokenizer, for the agreement check. */
export const AGREEMENT_TEXT =
  "The keeper of the lighthouse climbed the narrow stairs every evening, trimmed the wick, wound the clockwork that turned the lens, " +
  "and wrote the weather, the ships he saw and the hour of the lamp in a small leather book.";

/** Checks whose failure makes a run pointless: nothing can be asked of this endpoint. */
export const BLOCKING_CHECKS = ["reachable", "auth", "model"] as const;

type Check = PreflightReport["checks"][number];

const promptOf = (api: ModelSpec["api"], text: string): BuiltPrompt => (api === "chat" ? { api, messages: [{ role: "user", content: text }] } : { api, prompt: text });

function callCheck(name: string, outcome: CallOutcome, ok: (o: Extract<CallOutcome, { kind: "ok" }>) => string): Check {
  return outcome.kind === "ok" ? { name, ok: true, detail: ok(outcome) } : { name, ok: false, detail: outcome.reason };
}

/** Local count of the agreement prompt as sent, or null for tokenizer "endpoint". */
async function localCount(model: ModelSpec, prompt: BuiltPrompt): Promise<number | null> {
  if (model.tokenizer === "endpoint") return null;
  await loadTokenizer(model.tokenizer as TokenizerName);
  const text = prompt.api === "chat" ? prompt.messages.map((m) => m.content).join("") : prompt.prompt;
  return getTokenizer(model.tokenizer as TokenizerName).encode(text).length;
}

/** Agreement within what a server adds on its own: a BOS token, and for chat its template (≤ 8 per message + 1). */
function agreementCheck(model: ModelSpec, prompt: BuiltPrompt, ours: number | null, reported: number | null): { check: Check; agrees: boolean | null } {
  if (ours === null) return { check: { name: "tokenizer_agreement", ok: null, detail: 'tokenizer "endpoint": lengths are counted by the server itself' }, agrees: null };
  if (reported === null) return { check: { name: "tokenizer_agreement", ok: null, detail: "the server reported no usage.prompt_tokens to compare with" }, agrees: null };
  const framing = prompt.api === "chat" ? 9 : 1;
  const agrees = reported >= ours && reported <= ours + framing;
  const detail = `${model.tokenizer} counts ${ours} tokens for a fixed prompt, the server ${reported}${agrees ? "" : `: the run's tokenizer is not the model's, so lengths would not be what they claim`}`;
  return { check: { name: "tokenizer_agreement", ok: agrees, detail }, agrees };
}

async function reachabilityChecks(model: ModelSpec, target: EndpointTarget, fetcher: Fetcher) {
  const serving = await fingerprintEndpoint(target, fetcher);
  const probe = await callEndpoint(target, promptOf(model.api, "Hello"), 1, fetcher);
  const unreachable = probe.kind === "retry" && probe.unreachable;
  const denied = probe.kind === "fail" && /^HTTP (401|403)/.test(probe.reason);
  const unknownModel = probe.kind === "fail" && /^HTTP (400|404)/.test(probe.reason) && /model/i.test(probe.reason);
  const checks: Check[] = [
    { name: "reachable", ok: !unreachable, detail: unreachable ? probe.reason : `${target.baseUrl} answered` },
    { name: "auth", ok: unreachable ? null : !denied, detail: denied ? probe.reason : unreachable ? "not checked" : "credentials accepted" },
    { name: "model", ok: unreachable ? null : !unknownModel, detail: unknownModel ? probe.reason : serving.model_id ? `served as ${serving.model_id}` : "the call for it was answered" },
    callCheck(`api_${model.api}`, probe, () => `${model.api === "chat" ? "chat/completions" : "completions"} answers`),
  ];
  return { serving, checks, usable: probe.kind === "ok" };
}

/** Every check, in order; later ones are skipped (ok: null) when the endpoint cannot be used at all. */
export async function preflightEndpoint(model: ModelSpec, fetcher: Fetcher, apiKey: string | null): Promise<PreflightReport> {
  const target: EndpointTarget = { baseUrl: model.base_url, model: model.model, apiKey, timeoutMs: CHECK_TIMEOUT_MS, maxReplyBytes: DEFAULT_MAX_REPLY_BYTES };
  const { serving, checks, usable } = await reachabilityChecks(model, target, fetcher);
  const window = serving.max_model_len;
  const claimed = model.context_window ?? 131072;
  checks.push({ name: "window", ok: window === null ? null : window >= claimed, detail: window === null ? "the server does not say what window it serves" : `serves ${window} tokens; the run claims ${claimed}` });
  if (!usable) {
    for (const name of ["streaming", "tokenize_route", "prompt_logprobs", "tokenizer_agreement"]) checks.push({ name, ok: null, detail: "skipped: the endpoint cannot be used" });
    return { ok: false, checks, window, tokenizer_agrees: null, serving };
  }
  checks.push(callCheck("streaming", await callEndpoint(target, promptOf(model.api, "Hello"), 1, fetcher, { stream: true }), (o) => (o.ttftMs !== null ? "answers as server-sent events" : "ignores stream: true (answers JSON; runs still work)")));
  const route = await discoverTokenizeRoute({ ...target, maxTokenizeReplyBytes: DEFAULT_MAX_REPLY_BYTES }, { fetcher }).catch((error: unknown) => String(error));
  checks.push({ name: "tokenize_route", ok: route !== null && typeof route !== "string", detail: typeof route === "string" ? route : route ? `${route.route.url} (${route.route.flavor})` : "none found (tokenizer \"endpoint\" would calibrate)" });
  const logprobs = await promptLogprobs(null, { ...target, maxLogprobBytes: DEFAULT_MAX_REPLY_BYTES }, "Hello world, once more.", fetcher);
  checks.push({ name: "prompt_logprobs", ok: logprobs.kind === "ok", detail: logprobs.kind === "ok" ? `${logprobs.form} form (loss runs work)` : "reason" in logprobs ? logprobs.reason : "none" });
  const prompt = promptOf(model.api, AGREEMENT_TEXT);
  const counted = await callEndpoint(target, prompt, 1, fetcher);
  const { check, agrees } = agreementCheck(model, prompt, await localCount(model, prompt), counted.kind === "ok" ? counted.usage.promptTokens : null);
  checks.push(check);
  return { ok: !checks.some((c) => (BLOCKING_CHECKS as readonly string[]).includes(c.name) && c.ok === false) && agrees !== false, checks, window, tokenizer_agrees: agrees, serving };
}
