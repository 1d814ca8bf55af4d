// How a run with tokenizer "endpoint" counts its lengths, decided once per run by its first probe
// (the first writer wins in D1, so every probe of a run uses the same decision):
//  - "route": the endpoint has a tokenize route (./tokenize-route.ts). Where a suite cuts a corpus
//    on the endpoint's tokens (needle), the route's pieces must give token→character boundaries:
//    the corpus prefix the run needs is tokenized through it once and kept in the boundary cache
//    (R2, keyed by corpus version and the tokenizer's fingerprint, so every run on a server with
//    the same tokenizer shares it). RULER counts whole prompts and needs counts only. Exact.
//  - "calibrated": no usable route. A local proxy tokenizer (cl100k_base) builds the haystacks, and
//    its counts are mapped to the endpoint's by a line fitted to usage.prompt_tokens of a few
//    calibration calls (1K, 4K and 16K proxy tokens, max_tokens 1). Lengths are approximate and the
//    run says so (`lengths_approximate: true`).
import { loadHaystack } from "../../probes/needle/boundary-cache";
import { buildNeedleProbe, prepareNeedleProbes, TEMPLATE_TOKENS } from "../../probes/needle/build";
import { fitCalibration, type CalibrationSample } from "../../probes/needle/endpoint-build";
import { CALIBRATION_PROXY, type RunTokenization, type TokenizeRoute } from "../../probes/needle/endpoint-tokenization";
import type { Haystack } from "../../probes/needle/haystack";
import type { SuiteRecipe } from "../../probes/suites";
import { haystackFromTokenBytes, PieceAlignmentError, tokenBytesOf } from "../../probes/tokenizers/pieces";
import type { Api, BuiltPrompt, Corpus } from "../../probes/types";
import { keepTokenization, storedTokenization } from "../store/runs";
import { callEndpoint } from "./client";
import { endpointKey } from "./key";
import { discoverTokenizeRoute, tokenizeVia, TokenizeCallError, type TokenizerClientDeps, type TokenizerTarget } from "./tokenize-route";
import type { BoundaryStore } from "../../probes/needle/boundary-cache";

/** What counting in the endpoint's tokens needs: its transport and target, the boundary cache, its window. */
export interface EndpointNeedleDeps extends TokenizerClientDeps {
  target: TokenizerTarget;
  store: BoundaryStore | null;
  /** The endpoint's context window: calibration calls stay well inside it. */
  contextWindow: number;
}

export type RouteTokenization = Extract<RunTokenization, { mode: "route" }>;

/** What the run's tokenization decision reads of the run's suites (every probe of a run computes the same). */
export interface TokenizationPlan {
  api: Api;
  /** The lengths of the run's endpoint-tokenized suites: the longest sizes the corpus prefix and the calibration calls. */
  context_lengths: number[];
  /** Whether a suite cuts its corpus at the endpoint's token boundaries (needle): the route's pieces must then place characters. */
  cutsCorpus: boolean;
}

/** The plan of a run's suites counted in the endpoint's tokenizer (needle and RULER). */
export function tokenizationPlan(recipes: readonly SuiteRecipe[]): TokenizationPlan {
  const counted = recipes.filter((r) => (r.type === "needle" || r.type === "ruler") && r.tokenizer === "endpoint") as Array<Extract<SuiteRecipe, { type: "needle" | "ruler" }>>;
  if (!counted.length) throw new Error('no suite of this run is counted in the endpoint\'s tokenizer');
  return { api: counted[0]!.api, context_lengths: [...new Set(counted.flatMap((r) => r.context_lengths))], cutsCorpus: counted.some((r) => r.type === "needle") };
}

/** Proxy haystack sizes of the calibration calls (those that fit the run are used). */
export const CALIBRATION_SIZES = [1000, 4000, 16000];

/** Characters of the corpus a run's haystacks are cut from: a power of two ≥ 8 per token of its longest length. */
export function coveredChars(corpus: Corpus, longest: number): number {
  let chars = 1 << 16;
  while (chars < longest * 8) chars *= 2;
  let covered = Math.min(chars, corpus.text.length);
  // Never end between the two halves of a surrogate pair.
  const last = corpus.text.charCodeAt(covered - 1);
  if (covered < corpus.text.length && last >= 0xd800 && last <= 0xdbff) covered--;
  return covered;
}

/** The corpus prefix in the endpoint's tokens: from the boundary cache, else tokenized through the route once. */
export async function endpointHaystack(tokenization: RouteTokenization, corpus: Corpus, deps: EndpointNeedleDeps): Promise<Haystack> {
  const tokenizer = `endpoint-${tokenization.fingerprint}` as const;
  const { haystack } = await loadHaystack({
    tokenizer,
    corpus,
    textLength: tokenization.covered_chars,
    store: deps.store,
    tokenize: async () => {
      const text = corpus.text.slice(0, tokenization.covered_chars);
      const tokenized = await tokenizeVia(tokenization.route, deps.target, text, deps, true);
      if (!tokenized.pieces || !tokenized.pieceForm) throw new PieceAlignmentError("the tokenize route gives no token pieces, so character boundaries are unknown");
      const { first, bytes } = tokenBytesOf(text, tokenized.pieces, tokenized.pieceForm);
      return haystackFromTokenBytes({ tokenizer, corpusVersion: corpus.version, text, ids: tokenized.ids.slice(first), bytes });
    },
  });
  return haystack;
}

/**
 * usage.prompt_tokens the endpoint reports for `prompt`, sent with max_tokens 1 (a calibration call);
 * null when it reports none or finds the prompt too long. A throttle or transient failure throws
 * TokenizeCallError (retried like a throttled completion); any other refusal (e.g. a bad key) throws.
 */
export async function reportedPromptTokens(prompt: BuiltPrompt, deps: EndpointNeedleDeps): Promise<number | null> {
  const outcome = await callEndpoint({ ...deps.target }, prompt, 1, deps.fetcher, { stream: false });
  if (outcome.kind === "retry") throw new TokenizeCallError(`calibration call failed: ${outcome.reason}`, outcome.throttled ? { retryAfterS: outcome.retryAfterS } : undefined);
  if (outcome.kind === "fail" && !outcome.unscorable) throw new Error(`calibration call refused: ${outcome.reason}`);
  return outcome.kind === "fail" ? null : outcome.usage.promptTokens;
}

async function calibrate(plan: TokenizationPlan, corpus: Corpus, deps: EndpointNeedleDeps, reason: string): Promise<RunTokenization> {
  await prepareNeedleProbes(CALIBRATION_PROXY, corpus, deps.store);
  const longest = Math.max(...plan.context_lengths);
  // Sizes in proxy tokens; stay well inside what the run tests and what the endpoint takes.
  const sizes = CALIBRATION_SIZES.filter((s) => s <= Math.max(1000, Math.min(longest, deps.contextWindow * 0.6)));
  const samples: CalibrationSample[] = [];
  for (const size of sizes) {
    const probe = buildNeedleProbe({ tokenizer: CALIBRATION_PROXY, contextLength: size, depthPercent: 50, api: plan.api }, corpus);
    // A prompt the endpoint finds too long is skipped; any other refusal (e.g. a bad key) fails the probe.
    const reported = await reportedPromptTokens(probe.prompt, deps);
    if (reported === null) continue;
    samples.push({ proxyTokens: probe.constructedTokens + TEMPLATE_TOKENS[plan.api][CALIBRATION_PROXY], reportedTokens: reported });
  }
  if (!samples.length) {
    return { mode: "calibrated", proxy: CALIBRATION_PROXY, ratio: 1, intercept: 0, samples, reason: `${reason}; the endpoint reported no usage.prompt_tokens either, so ${CALIBRATION_PROXY} counts are used uncorrected` };
  }
  const { ratio, intercept } = fitCalibration(samples);
  return { mode: "calibrated", proxy: CALIBRATION_PROXY, ratio, intercept, samples, reason };
}

// Per isolate: the route each endpoint answered with (discovery costs one small call).
const discovered = new Map<string, Promise<{ route: TokenizeRoute; fingerprint: string } | null>>();

function discoverOnce(deps: EndpointNeedleDeps): Promise<{ route: TokenizeRoute; fingerprint: string } | null> {
  const key = endpointKey(deps.target.baseUrl, deps.target.model);
  let found = discovered.get(key);
  if (!found) {
    found = discoverTokenizeRoute(deps.target, deps);
    discovered.set(key, found);
    found.catch(() => discovered.delete(key));
  }
  return found;
}

/** Decides the run's tokenization (route or calibration); called once per run, by its first probe. */
async function decideTokenization(plan: TokenizationPlan, corpus: Corpus, deps: EndpointNeedleDeps): Promise<RunTokenization> {
  const route = await discoverOnce(deps);
  if (!route) return calibrate(plan, corpus, deps, "the endpoint has no tokenize route");
  const tokenization: RunTokenization = { mode: "route", ...route, covered_chars: coveredChars(corpus, Math.max(...plan.context_lengths)) };
  // Counting whole prompts needs no pieces: the corpus is tokenized (and its pieces checked) only for cuts.
  if (!plan.cutsCorpus) return tokenization;
  try {
    await endpointHaystack(tokenization, corpus, deps);
  } catch (error) {
    if (!(error instanceof PieceAlignmentError)) throw error;
    return calibrate(plan, corpus, deps, `the tokenize route at ${route.route.url} cannot place characters: ${error.message}`);
  }
  return tokenization;
}

// Per isolate: decisions in progress, so the lanes of one consumer that start a run together
// calibrate once (lanes in other isolates may still decide in parallel; D1 keeps the first).
const deciding = new Map<string, Promise<RunTokenization>>();

async function decideAndKeep(d1: D1Database, runId: string, plan: TokenizationPlan, corpus: Corpus, deps: EndpointNeedleDeps): Promise<RunTokenization> {
  const fresh = await storedTokenization(d1, runId);
  if (fresh) return fresh;
  return keepTokenization(d1, runId, await decideTokenization(plan, corpus, deps));
}

/**
 * The run's tokenization: as stored with the run, or decided now and stored (the first writer
 * wins; its decision is read back). `corpus` is the deciding probe's: a route is checked on it
 * when the run cuts corpora, and calibration prompts are cut from it.
 */
export function runTokenization(
  d1: D1Database,
  run: { id: string; tokenization: RunTokenization | null },
  plan: TokenizationPlan,
  corpus: Corpus,
  deps: EndpointNeedleDeps,
): Promise<RunTokenization> {
  if (run.tokenization) return Promise.resolve(run.tokenization);
  let pending = deciding.get(run.id);
  if (!pending) {
    pending = decideAndKeep(d1, run.id, plan, corpus, deps).finally(() => deciding.delete(run.id));
    deciding.set(run.id, pending);
  }
  return pending;
}
