// The reference models' language model: prompt log-probabilities from a cache model over
// cl100k_base tokens (pure TypeScript, O(length) time).
//
//   P(w | context) = λb · c(prev, w) / c(prev, ·) + (1 − λb) · [λu · c(w) / N + (1 − λu) · P0(w)]
//
// - P0: a static background, Zipf over the token id, P0(w) ∝ 1 / (w + 10), normalised over the
//   100,256 ordinary cl100k_base tokens (cl100k ids are BPE merge ranks, which track frequency).
// - c(w), N: the unigram counts and total of the tokens in the context (or in its last `window`
//   tokens: a sliding window whose counts are decremented as tokens leave it).
// - c(prev, w): the counts of token pairs in that context whose first token is the previous token.
// - λ: Witten–Bell, λu = N / (N + types), λb = c(prev, ·) / (c(prev, ·) + types following prev), so
//   a cache is trusted more as its evidence grows.
// Each level sums to 1 over the vocabulary and P0 > 0, so every position's distribution is proper
// and strictly positive. Honest: no neural network and no training data. It rewards a text only
// for repeating its own tokens and pairs, so its loss falls as the context grows and, with a
// window, stops falling at the window size, as a short-context model's would.

/** The ordinary cl100k_base tokens (ids 0…100255); the special tokens are never predicted. */
export const VOCABULARY_SIZE = 100_256;
const ZIPF_OFFSET = 10;

let background: Float64Array | undefined;

/** P0, the static background distribution (sums to 1 over the vocabulary). */
export function backgroundDistribution(): Float64Array {
  if (!background) {
    const weights = new Float64Array(VOCABULARY_SIZE);
    let total = 0;
    for (let id = 0; id < VOCABULARY_SIZE; id++) total += weights[id] = 1 / (id + ZIPF_OFFSET);
    for (let id = 0; id < VOCABULARY_SIZE; id++) weights[id] = weights[id]! / total;
    background = weights;
  }
  return background;
}

export interface LmOptions {
  /** Only the last `window` tokens before a position count as its context; default: all of them. */
  window?: number;
}

/** P(w) = perPair · c(prev, w) + perCount · c(w) + base · P0(w) at one position. */
interface Mixture {
  followers: RankedCounts | undefined;
  perPair: number;
  perCount: number;
  base: number;
}

/**
 * Counts of ids. When `ranked`, the counted ids are also kept ordered by count, most frequent
 * first, in O(1) per change (blocks of equal counts; an id moves to the edge of its block).
 */
class RankedCounts {
  total = 0;
  private readonly counts = new Map<number, number>();
  private readonly order: number[] = [];
  private readonly slotOf = new Map<number, number>();
  /** above[c]: how many ids have a count > c; they fill order[0 … above[c]). */
  private readonly above: number[] = [];

  constructor(private readonly ranked: boolean) {}

  /** Distinct ids counted. */
  get size(): number {
    return this.counts.size;
  }

  countOf(id: number): number {
    return this.counts.get(id) ?? 0;
  }

  /** The id at `rank` (0-based) in the count order (ranked counts only). */
  idAt(rank: number): number {
    return this.order[rank]!;
  }

  add(id: number): void {
    const before = this.countOf(id);
    this.counts.set(id, before + 1);
    this.total++;
    if (!this.ranked) return;
    if (before === 0) {
      this.slotOf.set(id, this.order.length);
      this.order.push(id);
    }
    const front = this.above[before] ?? 0;
    this.moveTo(id, front);
    this.above[before] = front + 1;
  }

  /** Removes one count of `id`, which must be counted. */
  remove(id: number): void {
    const before = this.countOf(id);
    if (before > 1) this.counts.set(id, before - 1);
    else this.counts.delete(id);
    this.total--;
    if (!this.ranked) return;
    const back = this.above[before - 1]! - 1;
    this.moveTo(id, back);
    this.above[before - 1] = back;
    if (before > 1) return;
    this.order.pop(); // its block, count 0, is the end of the order
    this.slotOf.delete(id);
  }

  private moveTo(id: number, slot: number): void {
    const from = this.slotOf.get(id)!;
    const other = this.order[slot]!;
    this.order[slot] = id;
    this.slotOf.set(id, slot);
    this.order[from] = other;
    this.slotOf.set(other, from);
  }
}

/** Unigram and pair counts of the tokens currently in the context window. */
class ContextCache {
  readonly tokens: RankedCounts;
  private readonly followers = new Map<number, RankedCounts>();

  /** `ranked`: keep the count orders that topTokens reads. */
  constructor(private readonly ranked = false) {
    this.tokens = new RankedCounts(ranked);
  }

  addPair(prev: number, id: number): void {
    let followers = this.followers.get(prev);
    if (!followers) this.followers.set(prev, (followers = new RankedCounts(this.ranked)));
    followers.add(id);
  }

  removePair(prev: number, id: number): void {
    const followers = this.followers.get(prev)!;
    followers.remove(id);
    if (followers.size === 0) this.followers.delete(prev);
  }

  /** The mixture's coefficients for the token after `prev` (Witten–Bell weights). */
  mixture(prev: number): Mixture {
    const followers = this.followers.get(prev);
    const pairs = followers?.total ?? 0;
    const pairWeight = followers ? pairs / (pairs + followers.size) : 0;
    const { total, size } = this.tokens;
    const countWeight = total > 0 ? total / (total + size) : 0;
    return {
      followers,
      perPair: followers ? pairWeight / pairs : 0,
      perCount: total > 0 ? ((1 - pairWeight) * countWeight) / total : 0,
      base: (1 - pairWeight) * (1 - countWeight),
    };
  }

  probability(mixture: Mixture, id: number): number {
    const pairCount = mixture.followers?.countOf(id) ?? 0;
    return mixture.perPair * pairCount + mixture.perCount * this.tokens.countOf(id) + mixture.base * backgroundDistribution()[id]!;
  }
}

function windowOf({ window }: LmOptions): number {
  if (window === undefined) return Infinity;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be an integer ≥ 1, got ${window}`);
  return window;
}

/** Feeds `ids` through the sliding window, calling `score(i, prev)` before ids[i] (i ≥ 1) joins it. */
function walk(ids: readonly number[], window: number, cache: ContextCache, score?: (i: number, prev: number) => void): void {
  let start = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < VOCABULARY_SIZE)) throw new RangeError(`not an ordinary cl100k_base token: ${id}`);
    if (i > 0) score?.(i, ids[i - 1]!);
    cache.tokens.add(id);
    if (i > start) cache.addPair(ids[i - 1]!, id);
    if (i + 1 - start > window) {
      if (start < i) cache.removePair(ids[start]!, ids[start + 1]!);
      cache.tokens.remove(ids[start]!);
      start++;
    }
  }
}

/** ln P(ids[i] | the tokens before it) for every position; position 0 has no context: NaN. */
export function promptLogprobs(ids: readonly number[], options: LmOptions = {}): Float64Array {
  const logprobs = new Float64Array(ids.length).fill(NaN);
  const cache = new ContextCache();
  walk(ids, windowOf(options), cache, (i, prev) => {
    logprobs[i] = Math.log(cache.probability(cache.mixture(prev), ids[i]!));
  });
  return logprobs;
}

/** The whole distribution of the token after `context` (non-empty): VOCABULARY_SIZE probabilities. */
export function nextTokenDistribution(context: readonly number[], options: LmOptions = {}): Float64Array {
  if (context.length === 0) throw new RangeError("the first token has no context");
  const cache = new ContextCache();
  walk(context, windowOf(options), cache);
  const mixture = cache.mixture(context[context.length - 1]!);
  return Float64Array.from({ length: VOCABULARY_SIZE }, (_, id) => cache.probability(mixture, id));
}

export interface PromptScores {
  /** As promptLogprobs. */
  logprobs: Float64Array;
  /** How many most likely tokens are listed per position. */
  top: number;
  /** topIds[i·top + j]: the j-th most likely token at position i (ties: lower id first); -1 at 0. */
  topIds: Int32Array;
  /** ln p of topIds (NaN at position 0). */
  topLogprobs: Float64Array;
  /** The actual token's 1-based rank at each position when it is within the top list, else 0. */
  ranks: Int32Array;
}

/** promptLogprobs plus each position's `top` (≥ 1) most likely tokens and the actual token's rank. */
export function scorePrompt(ids: readonly number[], options: LmOptions & { top: number }): PromptScores {
  const { top } = options;
  if (!Number.isInteger(top) || top < 1) throw new RangeError(`top must be an integer ≥ 1, got ${top}`);
  const scores: PromptScores = {
    logprobs: new Float64Array(ids.length).fill(NaN),
    top,
    topIds: new Int32Array(ids.length * top).fill(-1),
    topLogprobs: new Float64Array(ids.length * top).fill(NaN),
    ranks: new Int32Array(ids.length),
  };
  const cache = new ContextCache(true);
  const best = new TopList(top);
  walk(ids, windowOf(options), cache, (i, prev) => {
    const mixture = cache.mixture(prev);
    const probability = cache.probability(mixture, ids[i]!);
    topTokens(cache, mixture, best);
    scores.logprobs[i] = Math.log(probability);
    let above = 0;
    for (let j = 0; j < top; j++) {
      scores.topIds[i * top + j] = best.ids[j]!;
      scores.topLogprobs[i * top + j] = Math.log(best.ps[j]!);
      if (best.ps[j]! > probability) above++;
    }
    // Every token more likely than the last listed one is listed, so the rank is exact when p ≥ it.
    if (probability >= best.ps[top - 1]!) scores.ranks[i] = 1 + above;
  });
  return scores;
}

/** The k best (id, p) offered so far, best first; ties go to the lower id. */
class TopList {
  readonly ids: Int32Array;
  readonly ps: Float64Array;
  length = 0;

  constructor(readonly k: number) {
    this.ids = new Int32Array(k);
    this.ps = new Float64Array(k);
  }

  /** Inserts (id, p) unless it is listed already or ranks below a full list. */
  offer(id: number, p: number): void {
    for (let j = 0; j < this.length; j++) if (this.ids[j] === id) return;
    const full = this.length === this.k;
    if (full && !this.outranks(p, id, this.k - 1)) return;
    let at = full ? this.k - 1 : this.length++;
    for (; at > 0 && this.outranks(p, id, at - 1); at--) {
      this.ids[at] = this.ids[at - 1]!;
      this.ps[at] = this.ps[at - 1]!;
    }
    this.ids[at] = id;
    this.ps[at] = p;
  }

  private outranks(p: number, id: number, j: number): boolean {
    return p > this.ps[j]! || (p === this.ps[j]! && id < this.ids[j]!);
  }
}

/**
 * The k most likely next tokens, exactly, without scanning the vocabulary. p(w) = perPair · c(prev, w)
 * + perCount · c(w) + base · P0(w), and each term has a list sorted by it (the previous token's
 * followers by pair count, the window's tokens by count, all ids by P0): the lists are read, the
 * largest term first, until no unread token can beat the k-th best (Fagin's threshold algorithm).
 */
function topTokens(cache: ContextCache, mixture: Mixture, best: TopList): void {
  const { followers, perPair, perCount, base } = mixture;
  const { tokens } = cache;
  const background = backgroundDistribution();
  let byPair = 0;
  let byCount = 0;
  let byBackground = 0;
  best.length = 0;
  for (;;) {
    const pairBound = followers && byPair < followers.size ? perPair * followers.countOf(followers.idAt(byPair)) : 0;
    const countBound = byCount < tokens.size ? perCount * tokens.countOf(tokens.idAt(byCount)) : 0;
    const backgroundBound = base * (background[byBackground] ?? 0);
    const bound = pairBound + countBound + backgroundBound;
    if (bound === 0 || (best.length === best.k && best.ps[best.k - 1]! >= bound)) return;
    let id: number;
    if (pairBound >= countBound && pairBound >= backgroundBound) id = followers!.idAt(byPair++);
    else if (countBound >= backgroundBound) id = tokens.idAt(byCount++);
    else id = byBackground++;
    best.offer(id, cache.probability(mixture, id));
  }
}
