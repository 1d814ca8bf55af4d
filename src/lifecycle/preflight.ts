// Preflight: what an endpoint can do, checked in seconds — reachable (with the reason, naming the
// URL), credentials accepted, the model served, the API flavour and streaming answering, the window
// it serves, a tokenize route, prompt log-probabilities, and whether the run's tokenizer counts
// fixed prompts as the server does (usage.prompt_tokens). POST /v1/endpoints/check runs every
// check; a run takes the subset that decides whether and how to go on (runPreflight).
import type { ModelSpec, PublicModel } from "../contract/model";
import type { PreflightReport, RunPreflight } from "../contract/preflight";
import type { ServingFingerprint } from "../contract/serving";
import { DEFAULT_MAX_REPLY_BYTES } from "./endpoint/bounded-body";
import { callEndpoint, type CallOutcome, type EndpointTarget, type Fetcher } from "./endpoint/client";
import { fingerprintEndpoint } from "./endpoint/fingerprint";
import { promptLogprobs } from "./endpoint/prompt-logprobs";
import { discoverTokenizeRoute } from "./endpoint/tokenize-route";
import { promptOf } from "./calibration";
import { checkTokenizerAgreement } from "./tokenizer-agreement";
import { discoverWindow } from "./window-discovery";

const CHECK_TIMEOUT_MS = 10_000;

/** Every preflight request says what it is, so a server's logs (and a test's fake) can tell it from a probe. */
export const PURPOSE_HEADER = "x-ctxprobe-purpose";

function markedPreflight(fetcher: Fetcher): Fetcher {
  return (request) => {
    const marked = new Request(request);
    marked.headers.set(PURPOSE_HEADER, "preflight");
    return fetcher(marked);
  };
}

/** Checks whose failure makes a run pointless: nothing can be asked of this endpoint. */
export const BLOCKING_CHECKS = ["reachable", "auth", "model"] as const;

type Check = PreflightReport["checks"][number];

function callCheck(name: string, outcome: CallOutcome, ok: (o: Extract<CallOutcome, { kind: "ok" }>) => string): Check {
  return outcome.kind === "ok" ? { name, ok: true, detail: ok(outcome) } : { name, ok: false, detail: outcome.reason };
}

async function reachabilityChecks(model: PublicModel, target: EndpointTarget, fetcher: Fetcher) {
  const serving = await fingerprintEndpoint(target, fetcher);
  const probe = await callEndpoint(target, promptOf(model.api, "Hello"), 1, fetcher);
  const unreachable = probe.kind === "retry" && probe.unreachable === true;
  const denied = probe.kind === "fail" && /^HTTP (401|403)/.test(probe.reason);
  const unknownModel = probe.kind === "fail" && /^HTTP (400|404)/.test(probe.reason) && /model/i.test(probe.reason);
  const checks: Check[] = [
    { name: "reachable", ok: !unreachable, detail: unreachable ? probe.reason : `${target.baseUrl} answered` },
    { name: "auth", ok: unreachable ? null : !denied, detail: denied ? probe.reason : unreachable ? "not checked" : "credentials accepted" },
    { name: "model", ok: unreachable ? null : !unknownModel, detail: unknownModel ? probe.reason : serving.model_id ? `served as ${serving.model_id}` : "the call for it was answered" },
    callCheck(`api_${model.api}`, probe, () => `${model.api === "chat" ? "chat/completions" : "completions"} answers`),
  ];
  return { serving, checks, usable: probe.kind === "ok", unreachable };
}

function windowCheck(model: PublicModel, serving: ServingFingerprint): Check {
  const window = serving.max_model_len;
  const claimed = model.context_window ?? 131072;
  return { name: "window", ok: window === null ? null : window >= claimed, detail: window === null ? "the server does not say what window it serves" : `serves ${window} tokens; the run claims ${claimed}` };
}

/** The first blocking check that failed, if any. */
export function blockingFailure(checks: readonly Check[]): Check | undefined {
  return checks.find((c) => (BLOCKING_CHECKS as readonly string[]).includes(c.name) && c.ok === false);
}

export const checkTarget = (model: ModelSpec, apiKey: string | null): EndpointTarget => ({ baseUrl: model.base_url, model: model.model, apiKey, timeoutMs: CHECK_TIMEOUT_MS, maxReplyBytes: DEFAULT_MAX_REPLY_BYTES });

/** Every check, in order; later ones are skipped (ok: null) when the endpoint cannot be used at all. */
export async function preflightEndpoint(model: ModelSpec, unmarked: Fetcher, apiKey: string | null): Promise<PreflightReport> {
  const fetcher = markedPreflight(unmarked);
  const target = checkTarget(model, apiKey);
  const { serving, checks, usable } = await reachabilityChecks(model, target, fetcher);
  checks.push(windowCheck(model, serving));
  const report = { checks, window: serving.max_model_len, serving, token_ratio: null, discovered_window: null };
  if (!usable) {
    for (const name of ["streaming", "tokenize_route", "prompt_logprobs", "tokenizer_agreement"]) checks.push({ name, ok: null, detail: "skipped: the endpoint cannot be used" });
    return { ...report, ok: false, tokenizer_agrees: null };
  }
  checks.push(callCheck("streaming", await callEndpoint(target, promptOf(model.api, "Hello"), 1, fetcher, { stream: true }), (o) => (o.ttftMs !== null ? "answers as server-sent events" : "ignores stream: true (answers JSON; runs still work)")));
  const route = await discoverTokenizeRoute({ ...target, maxTokenizeReplyBytes: DEFAULT_MAX_REPLY_BYTES }, { fetcher }).catch((error: unknown) => String(error));
  checks.push({ name: "tokenize_route", ok: route !== null && typeof route !== "string", detail: typeof route === "string" ? route : route ? `${route.route.url} (${route.route.flavor})` : "none found (tokenizer \"endpoint\" would calibrate)" });
  const logprobs = await promptLogprobs(null, { ...target, maxLogprobBytes: DEFAULT_MAX_REPLY_BYTES }, "Hello world, once more.", fetcher);
  checks.push({ name: "prompt_logprobs", ok: logprobs.kind === "ok", detail: logprobs.kind === "ok" ? `${logprobs.form} form (loss runs work)` : "reason" in logprobs ? logprobs.reason : "none" });
  const agreement = await checkTokenizerAgreement(model, target, fetcher);
  checks.push(agreement.check);
  const discovered = model.discover_window ? await discoverWindow(model, target, fetcher, agreement.ratio) : null;
  if (discovered) checks.push({ name: "discovered_window", ok: discovered.failure === null, detail: discovered.detail });
  return { ...report, ok: !blockingFailure(checks) && agreement.agrees !== false, tokenizer_agrees: agreement.agrees, token_ratio: agreement.ratio, discovered_window: discovered };
}

/**
 * What a run checks before its first probe: reachability, credentials and model (blocking), the
 * served window, tokenizer agreement (with the token ratio the truncation rule measures against),
 * and with discover_window the longest prompt the server takes whole. `unreachable`: nothing was
 * learnt; the run's own calls decide (they fail the run fast when the endpoint never answers).
 */
export async function runPreflight(model: PublicModel, target: EndpointTarget, unmarked: Fetcher, now = Date.now()): Promise<{ preflight: RunPreflight; serving: ServingFingerprint } | { unreachable: true }> {
  const fetcher = markedPreflight(unmarked);
  const { serving, checks, usable, unreachable } = await reachabilityChecks(model, target, fetcher);
  if (unreachable) return { unreachable: true };
  checks.push(windowCheck(model, serving));
  const agreement = usable ? await checkTokenizerAgreement(model, target, fetcher) : null;
  if (agreement) checks.push(agreement.check);
  const discovered = usable && model.discover_window ? await discoverWindow(model, target, fetcher, agreement?.ratio ?? null) : null;
  const preflight: RunPreflight = { checked_at: now, checks, window: serving.max_model_len, tokenizer_agrees: agreement?.agrees ?? null, token_ratio: agreement?.ratio ?? null, discovered_window: discovered };
  return { preflight, serving };
}
