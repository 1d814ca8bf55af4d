// Needle probes counted in the endpoint's own tokenizer (model.tokenizer = "endpoint").
//
// Once per run (the first probe to need it; the first writer wins in D1, so every probe of a run
// uses the same decision), the run's tokenization is fixed in runs.tokenization_json:
//  - "route": the endpoint has a tokenize route (src/lifecycle/endpoint/tokenize-route.ts) whose pieces
//    give token→character boundaries. The corpus prefix the run needs is tokenized through it once
//    and kept in the boundary cache (R2, keyed by corpus version and the tokenizer's fingerprint,
//    so every run on a server with the same tokenizer shares it). Lengths are exact.
//  - "calibrated": no usable route. A local proxy tokenizer (cl100k_base) builds the haystacks, and
//    its counts are mapped to the endpoint's by a line fitted to usage.prompt_tokens of a few
//    calibration calls (1K, 4K and 16K proxy tokens, max_tokens 1). Lengths are approximate and the
//    run says so (`lengths_approximate: true`).
//
// Then, per probe, once (probes.build_json; a redelivered probe reuses it): the character cuts of
// its haystack. Route mode places the needle by the paper's rule on the endpoint's tokens, then
// counts haystack + needle through the route and moves the end cut until the count is exactly
// L − 200 (BPE can merge across the needle's seams, so the first guess may be a token or two off;
// see routeBuild); calibrated mode cuts where the proxy budget ends. Rebuilding a prompt later
// (GET …/prompt, a retry) uses only the corpus and the stored cuts: the endpoint is not called again.
import type { RunRow } from "../../db/schema";
import { loadHaystack, type BoundaryStore } from "../../probes/needle/boundary-cache";
import { FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE } from "../../probes/needle/constants";
import { buildNeedleProbe, prepareNeedleProbes, TEMPLATE_TOKENS } from "../../probes/needle/build";
import {
  calibratedCuts,
  endpointCuts,
  fitCalibration,
  haystackFromCuts,
  isEndpointBuild,
  promptFromCuts,
  type CalibrationSample,
  type EndpointBuild,
} from "../../probes/needle/endpoint-build";
import { getHaystack, NeedlePlacementError, type Haystack } from "../../probes/needle/haystack";
import type { NeedleRecipe } from "../../probes/suites/needle";
import type { ProbePoint } from "../../probes/suites";
import { loadTokenizer } from "../../probes/tokenizers";
import { haystackFromTokenBytes, PieceAlignmentError, tokenBytesOf } from "../../probes/tokenizers/pieces";
import type { Corpus } from "../../probes/types";
import { callEndpoint, type Fetcher } from "./client";
import {
  countVia,
  discoverTokenizeRoute,
  tokenizeVia,
  TokenizeCallError,
  type TokenizeRoute,
  type TokenizerClientDeps,
  type TokenizerTarget,
} from "./tokenize-route";
import { CALIBRATION_PROXY, runTokenizationOf, type RunTokenization } from "./tokenization";

export { CALIBRATION_PROXY, runTokenizationOf, type RunTokenization };

/** Proxy haystack sizes of the calibration calls (those that fit the run are used). */
export const CALIBRATION_SIZES = [1000, 4000, 16000];

export interface EndpointNeedleDeps extends TokenizerClientDeps {
  target: TokenizerTarget;
  store: BoundaryStore | null;
}

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

// Per isolate: the route each endpoint answered with (discovery costs one small call).
const discovered = new Map<string, Promise<{ route: TokenizeRoute; fingerprint: string } | null>>();
// Per isolate: token counts of fixed texts (needle, empty templates) per tokenizer fingerprint.
const fixedCounts = new Map<string, Promise<number>>();

function memoCount(key: string, compute: () => Promise<number>): Promise<number> {
  let pending = fixedCounts.get(key);
  if (!pending) {
    pending = compute();
    fixedCounts.set(key, pending);
    pending.catch(() => fixedCounts.delete(key));
  }
  return pending;
}

async function endpointHaystack(tokenization: Extract<RunTokenization, { mode: "route" }>, corpus: Corpus, deps: EndpointNeedleDeps): Promise<Haystack> {
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

async function calibrate(recipe: NeedleRecipe, corpus: Corpus, deps: EndpointNeedleDeps, fetcher: Fetcher, contextWindow: number, reason: string): Promise<RunTokenization> {
  await prepareNeedleProbes(CALIBRATION_PROXY, corpus, deps.store);
  const longest = Math.max(...recipe.context_lengths);
  // Sizes in proxy tokens; stay well inside what the run tests and what the endpoint takes.
  const sizes = CALIBRATION_SIZES.filter((s) => s <= Math.max(1000, Math.min(longest, contextWindow * 0.6)));
  const samples: CalibrationSample[] = [];
  for (const size of sizes) {
    const probe = buildNeedleProbe({ tokenizer: CALIBRATION_PROXY, contextLength: size, depthPercent: 50, api: recipe.api }, corpus);
    const outcome = await callEndpoint({ ...deps.target }, probe.prompt, 1, fetcher, { stream: false });
    if (outcome.kind === "retry") throw new TokenizeCallError(`calibration call failed: ${outcome.reason}`, outcome.throttled ? { retryAfterS: outcome.retryAfterS } : undefined);
    // A prompt the endpoint finds too long is skipped; any other refusal (e.g. a bad key) fails the probe.
    if (outcome.kind === "fail" && !outcome.unscorable) throw new Error(`calibration call refused: ${outcome.reason}`);
    if (outcome.kind === "fail" || outcome.usage.promptTokens === null) continue;
    samples.push({ proxyTokens: probe.constructedTokens + TEMPLATE_TOKENS[recipe.api][CALIBRATION_PROXY], reportedTokens: outcome.usage.promptTokens });
  }
  if (!samples.length) {
    return { mode: "calibrated", proxy: CALIBRATION_PROXY, ratio: 1, intercept: 0, samples, reason: `${reason}; the endpoint reported no usage.prompt_tokens either, so ${CALIBRATION_PROXY} counts are used uncorrected` };
  }
  const { ratio, intercept } = fitCalibration(samples);
  return { mode: "calibrated", proxy: CALIBRATION_PROXY, ratio, intercept, samples, reason };
}

/** Decides the run's tokenization (route or calibration); called once per run, by its first probe. */
async function decideTokenization(recipe: NeedleRecipe, corpus: Corpus, deps: EndpointNeedleDeps, fetcher: Fetcher, contextWindow: number): Promise<RunTokenization> {
  // As the limiter keys endpoints (limiter.ts endpointKey; not imported: that module is a Durable Object's).
  const url = new URL(deps.target.baseUrl);
  const key = `${url.origin}${url.pathname.replace(/\/+$/, "")}#${deps.target.model}`;
  let found = discovered.get(key);
  if (!found) {
    found = discoverTokenizeRoute(deps.target, deps);
    discovered.set(key, found);
    found.catch(() => discovered.delete(key));
  }
  const route = await found;
  if (!route) return calibrate(recipe, corpus, deps, fetcher, contextWindow, "the endpoint has no tokenize route");
  const tokenization: RunTokenization = { mode: "route", ...route, covered_chars: coveredChars(corpus, Math.max(...recipe.context_lengths)) };
  try {
    await endpointHaystack(tokenization, corpus, deps);
  } catch (error) {
    if (!(error instanceof PieceAlignmentError)) throw error;
    return calibrate(recipe, corpus, deps, fetcher, contextWindow, `the tokenize route at ${route.route.url} cannot place characters: ${error.message}`);
  }
  return tokenization;
}

// Per isolate: decisions in progress, so the lanes of one consumer that start a run together
// calibrate once (lanes in other isolates may still decide in parallel; D1 keeps the first).
const deciding = new Map<string, Promise<RunTokenization>>();

/** The run's tokenization: stored, or decided now and stored (the first writer wins; its decision is read back). */
export async function runTokenization(env: Env, run: RunRow, recipe: NeedleRecipe, corpus: Corpus, deps: EndpointNeedleDeps, fetcher: Fetcher, contextWindow: number): Promise<RunTokenization> {
  const stored = runTokenizationOf(run);
  if (stored) return stored;
  let pending = deciding.get(run.id);
  if (!pending) {
    pending = decideAndStore(env, run, recipe, corpus, deps, fetcher, contextWindow).finally(() => deciding.delete(run.id));
    deciding.set(run.id, pending);
  }
  return pending;
}

async function decideAndStore(env: Env, run: RunRow, recipe: NeedleRecipe, corpus: Corpus, deps: EndpointNeedleDeps, fetcher: Fetcher, contextWindow: number): Promise<RunTokenization> {
  const fresh = await env.DB.prepare("SELECT tokenization_json FROM runs WHERE id = ?").bind(run.id).first<{ tokenization_json: string | null }>();
  if (fresh?.tokenization_json) return JSON.parse(fresh.tokenization_json) as RunTokenization;
  const decided = await decideTokenization(recipe, corpus, deps, fetcher, contextWindow);
  await env.DB.prepare("UPDATE runs SET tokenization_json = ? WHERE id = ? AND tokenization_json IS NULL").bind(JSON.stringify(decided), run.id).run();
  const winner = await env.DB.prepare("SELECT tokenization_json FROM runs WHERE id = ?").bind(run.id).first<{ tokenization_json: string | null }>();
  return winner?.tokenization_json ? (JSON.parse(winner.tokenization_json) as RunTokenization) : decided;
}

/** Most counts spent on one probe's cuts before the closest is kept. */
export const MAX_COUNT_ROUNDS = 24;

/**
 * Route mode: the cuts whose haystack + needle the endpoint counts as exactly L − 200 tokens.
 * The endpoint's tokens of the corpus give the first guess, but BPE merges across the needle's
 * seams and the cut (cl100k merges ".\n", a cut before a space changes the next word), so the text
 * is counted through the route and the end cut moved:
 *  1. by whole tokens, the difference between budget and count (a few rounds);
 *  2. to the token positions next to the closest so far (±1 … ±3);
 *  3. by single characters around the closest end (±1 … ±8), for the rare cells where every token
 *     boundary lands one off (e.g. "commerce," + "\nThe" vs "commerce, " + "\nThe").
 * At most MAX_COUNT_ROUNDS counts; if none is exact, the closest is kept and stored as
 * constructed_tokens, so the probe says what it really has. The insertion point follows the
 * paper's rule on the adjusted length (depth 100: it is the end). Then the whole prompt is counted
 * once, so expected_prompt_tokens is exact too (template seams included; a server's BOS and chat
 * framing are not, as for local tokenizers).
 */
export async function routeBuild(
  tokenization: Extract<RunTokenization, { mode: "route" }>,
  recipe: NeedleRecipe,
  point: { contextLength: number; depthPercent: number },
  corpus: Corpus,
  deps: EndpointNeedleDeps,
): Promise<EndpointBuild> {
  const haystack = await endpointHaystack(tokenization, corpus, deps);
  const needleTokens = await memoCount(`${tokenization.fingerprint}|needle`, () => {
    return countVia(tokenization.route, deps.target, NEEDLE, deps);
  });
  const budget = point.contextLength - FINAL_CONTEXT_LENGTH_BUFFER;
  type Cuts = { insert_char: number; end_char: number };
  let best: (Cuts & { count: number; adjust: number }) | null = null;
  const counted = new Set<string>();
  let rounds = 0;
  /** Counts a candidate (once); true when it is exact. */
  const tryCuts = async (cuts: Cuts, adjust: number): Promise<number | null> => {
    const key = `${cuts.insert_char}/${cuts.end_char}`;
    if (counted.has(key) || rounds >= MAX_COUNT_ROUNDS) return null;
    counted.add(key);
    rounds++;
    const count = await countVia(tokenization.route, deps.target, haystackFromCuts(corpus, cuts), deps);
    if (!best || Math.abs(count - budget) < Math.abs(best.count - budget)) best = { ...cuts, count, adjust };
    return count;
  };
  const tokenCuts = (adjust: number): Cuts | null => {
    try {
      return endpointCuts({ haystack, needleTokens, contextLength: point.contextLength, depthPercent: point.depthPercent, bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER, adjust });
    } catch (error) {
      if (error instanceof NeedlePlacementError && best) return null; // the adjustment ran off the corpus
      throw error;
    }
  };
  const exact = () => best !== null && best.count === budget;

  // 1. Whole-token steps by the difference.
  let adjust = 0;
  for (let step = 0; step < 4 && !exact(); step++) {
    const cuts = tokenCuts(adjust);
    const count = cuts ? await tryCuts(cuts, adjust) : null;
    if (count === null) break;
    adjust += budget - count;
  }
  // 2. Token positions next to the closest.
  for (const d of [1, -1, 2, -2, 3, -3]) {
    if (exact()) break;
    const cuts = tokenCuts(best!.adjust + d);
    if (cuts) await tryCuts(cuts, best!.adjust + d);
  }
  // 3. Single characters around the closest end (never between the halves of a surrogate pair).
  const anchor: Cuts = { insert_char: best!.insert_char, end_char: best!.end_char };
  for (const d of [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8]) {
    if (exact()) break;
    const end = anchor.end_char + d;
    if (end < 1 || end > corpus.text.length || isLowSurrogate(corpus.text.charCodeAt(end))) continue;
    const insert = anchor.insert_char === anchor.end_char ? end : anchor.insert_char;
    if (insert > end) continue;
    await tryCuts({ insert_char: insert, end_char: end }, best!.adjust);
  }

  const chosen = best!;
  const prompt = promptFromCuts(recipe.api, corpus, { mode: "route", insert_char: chosen.insert_char, end_char: chosen.end_char, constructed_tokens: 0, expected_prompt_tokens: 0 });
  const parts = prompt.api === "chat" ? prompt.messages.map((m) => m.content) : [prompt.prompt];
  let promptTokens = 0;
  for (const part of parts) {
    promptTokens += await countVia(tokenization.route, deps.target, part, deps);
  }
  return { mode: "route", insert_char: chosen.insert_char, end_char: chosen.end_char, constructed_tokens: chosen.count, expected_prompt_tokens: promptTokens };
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Calibrated mode: the proxy tokenizer's cuts for the mapped budget. */
export async function calibratedBuild(tokenization: Extract<RunTokenization, { mode: "calibrated" }>, recipe: NeedleRecipe, point: { contextLength: number; depthPercent: number }, corpus: Corpus, store: BoundaryStore | null): Promise<EndpointBuild> {
  const proxy = await loadTokenizer(tokenization.proxy);
  await prepareNeedleProbes(tokenization.proxy, corpus, store);
  return calibratedCuts({
    proxy,
    haystack: getHaystack(proxy, corpus),
    calibration: tokenization,
    contextLength: point.contextLength,
    depthPercent: point.depthPercent,
    bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER,
    proxyTemplateTokens: TEMPLATE_TOKENS[recipe.api][tokenization.proxy],
  });
}

/**
 * The probe's cuts: stored by an earlier delivery, or fixed now (calling the endpoint) and stored.
 * Returns the point with `build` set, ready for the needle suite's build().
 */
export async function prepareEndpointPoint(
  env: Env,
  run: RunRow,
  idx: number,
  recipe: NeedleRecipe,
  point: ProbePoint,
  corpus: Corpus,
  deps: EndpointNeedleDeps,
  fetcher: Fetcher,
  contextWindow: number,
): Promise<ProbePoint> {
  if (isEndpointBuild(point.build)) return point;
  const read = () => env.DB.prepare("SELECT build_json FROM probes WHERE run_id = ? AND idx = ?").bind(run.id, idx).first<{ build_json: string | null }>();
  const stored = await read();
  if (stored?.build_json) return { ...point, build: JSON.parse(stored.build_json) as EndpointBuild };
  if (point.contextLength === null || point.depthPercent === null) throw new Error("needle probe without length/depth");
  const cell = { contextLength: point.contextLength, depthPercent: point.depthPercent };
  const tokenization = await runTokenization(env, run, recipe, corpus, deps, fetcher, contextWindow);
  const build = tokenization.mode === "route" ? await routeBuild(tokenization, recipe, cell, corpus, deps) : await calibratedBuild(tokenization, recipe, cell, corpus, deps.store);
  await env.DB.prepare("UPDATE probes SET build_json = ? WHERE run_id = ? AND idx = ? AND build_json IS NULL").bind(JSON.stringify(build), run.id, idx).run();
  const winner = await read();
  return { ...point, build: winner?.build_json ? (JSON.parse(winner.build_json) as EndpointBuild) : build };
}

/** Forgets discovered routes and memoized counts (tests: a fresh isolate). */
export function clearEndpointTokenizerMemo(): void {
  discovered.clear();
  fixedCounts.clear();
}
