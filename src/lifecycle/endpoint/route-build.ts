// A needle probe's cuts in the endpoint's own tokens. Route mode counts through the tokenize route
// until haystack + needle is exactly L − 200 tokens; calibrated mode cuts where the proxy budget ends.
import { FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE } from "../../probes/needle/constants";
import { prepareNeedleProbes, TEMPLATE_TOKENS } from "../../probes/needle/build";
import { calibratedCuts, endpointCuts, haystackFromCuts, promptFromCuts, type EndpointBuild } from "../../probes/needle/endpoint-build";
import type { RunTokenization } from "../../probes/needle/endpoint-tokenization";
import { getHaystack, NeedlePlacementError, type Haystack } from "../../probes/needle/haystack";
import type { NeedleRecipe } from "../../probes/suites/needle";
import { loadTokenizer } from "../../probes/tokenizers";
import type { Corpus } from "../../probes/types";
import { endpointHaystack, type EndpointNeedleDeps, type RouteTokenization } from "./tokenization";
import { countVia } from "./tokenize-route";

/** Most counts spent on one probe's cuts before the closest is kept. */
export const MAX_COUNT_ROUNDS = 24;

export interface NeedleCell {
  contextLength: number;
  depthPercent: number;
}

type Cuts = { insert_char: number; end_char: number };
type Counted = Cuts & { count: number; adjust: number };

// Per isolate: token counts of fixed texts (the needle) per tokenizer fingerprint.
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

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Candidate cuts counted through the route, each once, at most MAX_COUNT_ROUNDS of them; keeps the closest. */
class CutSearch {
  best: Counted | null = null;
  private readonly counted = new Set<string>();

  constructor(
    private readonly count: (cuts: Cuts) => Promise<number>,
    readonly budget: number,
    private readonly haystack: Haystack,
    private readonly needleTokens: number,
    private readonly cell: NeedleCell,
  ) {}

  get exact(): boolean {
    return this.best !== null && this.best.count === this.budget;
  }

  /** Counts a candidate (once); null when it was counted already or the rounds are spent. */
  async tryCuts(cuts: Cuts, adjust: number): Promise<number | null> {
    const key = `${cuts.insert_char}/${cuts.end_char}`;
    if (this.counted.has(key) || this.counted.size >= MAX_COUNT_ROUNDS) return null;
    this.counted.add(key);
    const count = await this.count(cuts);
    if (!this.best || Math.abs(count - this.budget) < Math.abs(this.best.count - this.budget)) this.best = { ...cuts, count, adjust };
    return count;
  }

  /** The paper's placement with `adjust` extra haystack tokens; null when the adjustment runs off the corpus. */
  tokenCuts(adjust: number): Cuts | null {
    try {
      return endpointCuts({ haystack: this.haystack, needleTokens: this.needleTokens, ...this.cell, bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER, adjust });
    } catch (error) {
      if (error instanceof NeedlePlacementError && this.best) return null;
      throw error;
    }
  }
}

/** 1. Whole-token steps by the difference between budget and count. */
async function stepByDifference(search: CutSearch): Promise<void> {
  let adjust = 0;
  for (let step = 0; step < 4 && !search.exact; step++) {
    const cuts = search.tokenCuts(adjust);
    const count = cuts ? await search.tryCuts(cuts, adjust) : null;
    if (count === null) break;
    adjust += search.budget - count;
  }
}

/** 2. The token positions next to the closest so far. */
async function tryNeighbourTokens(search: CutSearch): Promise<void> {
  for (const d of [1, -1, 2, -2, 3, -3]) {
    if (search.exact) break;
    const cuts = search.tokenCuts(search.best!.adjust + d);
    if (cuts) await search.tryCuts(cuts, search.best!.adjust + d);
  }
}

/** 3. Single characters around the closest end (never between the halves of a surrogate pair). */
async function tryNeighbourCharacters(search: CutSearch, corpus: Corpus): Promise<void> {
  const anchor: Cuts = { insert_char: search.best!.insert_char, end_char: search.best!.end_char };
  for (const d of [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8]) {
    if (search.exact) break;
    const end = anchor.end_char + d;
    if (end < 1 || end > corpus.text.length || isLowSurrogate(corpus.text.charCodeAt(end))) continue;
    const insert = anchor.insert_char === anchor.end_char ? end : anchor.insert_char;
    if (insert > end) continue;
    await search.tryCuts({ insert_char: insert, end_char: end }, search.best!.adjust);
  }
}

/**
 * Route mode: the cuts whose haystack + needle the endpoint counts as exactly L − 200 tokens.
 * The endpoint's tokens of the corpus give the first guess, but BPE merges across the needle's
 * seams and the cut (cl100k merges ".\n", a cut before a space changes the next word), so the text
 * is counted through the route and the end cut moved: by whole tokens, then to neighbouring token
 * positions (±1 … ±3), then by single characters around the closest end (±1 … ±8, for the rare
 * cells where every token boundary lands one off, e.g. "commerce," + "\nThe" vs "commerce, " +
 * "\nThe"). At most MAX_COUNT_ROUNDS counts; if none is exact, the closest is kept and stored as
 * constructed_tokens, so the probe says what it really has. The insertion point follows the
 * paper's rule on the adjusted length (depth 100: it is the end). Then the whole prompt is counted
 * once, so expected_prompt_tokens is exact too (template seams included; a server's BOS and chat
 * framing are not, as for local tokenizers).
 */
export async function routeBuild(tokenization: RouteTokenization, recipe: NeedleRecipe, cell: NeedleCell, corpus: Corpus, deps: EndpointNeedleDeps): Promise<EndpointBuild> {
  const count = (text: string) => countVia(tokenization.route, deps.target, text, deps);
  const haystack = await endpointHaystack(tokenization, corpus, deps);
  const needleTokens = await memoCount(`${tokenization.fingerprint}|needle`, () => count(NEEDLE));
  const search = new CutSearch((cuts) => count(haystackFromCuts(corpus, cuts)), cell.contextLength - FINAL_CONTEXT_LENGTH_BUFFER, haystack, needleTokens, cell);
  await stepByDifference(search);
  await tryNeighbourTokens(search);
  await tryNeighbourCharacters(search, corpus);

  const chosen = search.best!;
  const prompt = promptFromCuts(recipe.api, corpus, { mode: "route", insert_char: chosen.insert_char, end_char: chosen.end_char, constructed_tokens: 0, expected_prompt_tokens: 0 });
  let promptTokens = 0;
  for (const part of prompt.api === "chat" ? prompt.messages.map((m) => m.content) : [prompt.prompt]) promptTokens += await count(part);
  return { mode: "route", insert_char: chosen.insert_char, end_char: chosen.end_char, constructed_tokens: chosen.count, expected_prompt_tokens: promptTokens };
}

/** Calibrated mode: the proxy tokenizer's cuts for the mapped budget. */
export async function calibratedBuild(
  tokenization: Extract<RunTokenization, { mode: "calibrated" }>,
  recipe: NeedleRecipe,
  cell: NeedleCell,
  corpus: Corpus,
  store: EndpointNeedleDeps["store"],
): Promise<EndpointBuild> {
  const proxy = await loadTokenizer(tokenization.proxy);
  await prepareNeedleProbes(tokenization.proxy, corpus, store);
  return calibratedCuts({
    proxy,
    haystack: getHaystack(proxy, corpus),
    calibration: tokenization,
    contextLength: cell.contextLength,
    depthPercent: cell.depthPercent,
    bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER,
    proxyTemplateTokens: TEMPLATE_TOKENS[recipe.api][tokenization.proxy],
  });
}
