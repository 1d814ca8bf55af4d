// Window discovery (model.discover_window): the longest prompt the server takes without cutting
// it. Cheap prompts (the calibration text repeated, max_tokens 1) are bisected between 1K and the
// claimed window; a try is "cut" when the server's reported prompt_tokens falls short of what we
// sent by the probes' own rule (promptWasCut, by the preflight's token ratio), "refused" on an
// error, else "whole".
import type { PublicModel as ModelSpec } from "../contract/model";
import type { DiscoveredWindow } from "../contract/preflight";
import { promptWasCut } from "../probes/truncation";
import { countingTokenizer, promptOf, RepeatedTextCounter, repeatedText } from "./calibration";
import { callEndpoint, type EndpointTarget, type Fetcher } from "./endpoint/client";

const SHORTEST = 1024;
/** Bisection stops when the bracket is this narrow (tokens, or 1 % of the lower end). */
const RESOLUTION = 256;

type Try = { kind: "whole" } | { kind: "cut"; reported: number } | { kind: "refused"; reason: string } | { kind: "unknown"; reason: string };

async function tryLength(model: ModelSpec, target: EndpointTarget, fetcher: Fetcher, counter: RepeatedTextCounter, tokens: number, ratio: number | null): Promise<{ sent: number; result: Try }> {
  const repeats = counter.repeatsFor(tokens);
  const sent = counter.count(repeats);
  const outcome = await callEndpoint(target, promptOf(model.api, repeatedText(repeats)), 1, fetcher);
  if (outcome.kind === "fail") return { sent, result: { kind: "refused", reason: outcome.reason } };
  if (outcome.kind === "retry") return { sent, result: { kind: "unknown", reason: outcome.reason } };
  const reported = outcome.usage.promptTokens;
  if (reported === null) return { sent, result: { kind: "unknown", reason: "the server reports no usage.prompt_tokens" } };
  return { sent, result: promptWasCut(sent, reported, ratio) ? { kind: "cut", reported } : { kind: "whole" } };
}

export async function discoverWindow(model: ModelSpec, target: EndpointTarget, fetcher: Fetcher, ratio: number | null): Promise<DiscoveredWindow> {
  const counter = await RepeatedTextCounter.of(countingTokenizer(model));
  let lo: number | null = null;
  let hi: Failed | null = null;
  let calls = 0;
  // The claimed window first (one call when it holds), then the shortest, then halves between.
  const claimed = model.context_window - 1; // room for the one generated token
  const shortest = Math.min(SHORTEST, claimed);
  for (let next: number | null = claimed; next !== null; ) {
    const { sent, result } = await tryLength(model, target, fetcher, counter, next, ratio);
    calls++;
    if (result.kind === "unknown") return { accepts_up_to: lo, first_failure: hi?.at ?? null, failure: null, calls, detail: `discovery stopped at ${sent} tokens: ${result.reason}` };
    if (result.kind === "whole") lo = sent;
    else hi = { at: sent, result };
    next = nextLength(lo, hi, shortest, calls);
  }
  return summarize(lo, hi, calls);
}

type Failed = { at: number; result: Exclude<Try, { kind: "whole" | "unknown" }> };

/** The next length to try, or null when the bracket is found (or nothing shorter is worth trying). */
function nextLength(lo: number | null, hi: Failed | null, shortest: number, calls: number): number | null {
  if (!hi) return null; // the longest try was whole
  if (lo === null) return calls === 1 && hi.at > shortest ? shortest : null;
  const mid = Math.floor((lo + hi.at) / 2);
  return hi.at - lo <= Math.max(RESOLUTION, 0.01 * lo) || mid <= lo ? null : mid;
}

function summarize(lo: number | null, hi: Failed | null, calls: number): DiscoveredWindow {
  if (!hi) return { accepts_up_to: lo, first_failure: null, failure: null, calls, detail: `the server took a ${lo}-token prompt whole: the claimed window holds` };
  const failure = hi.result.kind === "cut" ? "cut" : "refused";
  const how = hi.result.kind === "cut" ? `cut to ${hi.result.reported} tokens` : `refused (${hi.result.reason.slice(0, 200)})`;
  const took = lo === null ? "no prompt tried was taken whole" : `the server takes prompts up to ${lo} tokens whole`;
  return { accepts_up_to: lo, first_failure: hi.at, failure, calls, detail: `${took}; a ${hi.at}-token prompt was ${how}` };
}
