// A haystack with several sentences spliced in (the needle and its distractors), token-exact on the
// needle suite's machinery: the kept haystack is a prefix of the corpus tokens, each insert goes in
// at its depth moved back to a sentence end (the paper's rule), and constructed tokens = L − buffer.
import { getHaystack, haystackText, planNeedlePlacement } from "../needle/haystack";
import type { Corpus, Tokenizer } from "../types";

export interface Insert {
  /** One sentence; it goes in with a leading space, as the next sentence of the text. */
  sentence: string;
  depthPercent: number;
}

export interface InsertedHaystack {
  text: string;
  constructedTokens: number;
  /** Per insert, in the order given: the token index it starts at in the constructed context. */
  tokenIndexes: number[];
}

const insertIdsMemo = new WeakMap<Tokenizer, Map<string, number>>();

/** Tokens of " " + sentence; it must round-trip, since its text is spliced without re-encoding. */
function insertTokens(tokenizer: Tokenizer, text: string): number {
  let memo = insertIdsMemo.get(tokenizer);
  if (!memo) insertIdsMemo.set(tokenizer, (memo = new Map()));
  let count = memo.get(text);
  if (count === undefined) {
    const ids = tokenizer.encode(text);
    if (tokenizer.decode(ids) !== text) throw new Error(`${tokenizer.name}: "${text}" does not round-trip`);
    memo.set(text, (count = ids.length));
  }
  return count;
}

/**
 * Builds the context: every insert takes its place among the kept haystack tokens; two inserts at
 * one boundary keep the order given. Throws NeedlePlacementError (as the needle suite does) for a
 * corpus too short or a depth with no sentence end before it.
 */
export function buildInsertedHaystack(
  tokenizer: Tokenizer,
  corpus: Corpus,
  cell: { contextLength: number; inserts: readonly Insert[]; bufferTokens: number },
): InsertedHaystack {
  const haystack = getHaystack(tokenizer, corpus);
  const texts = cell.inserts.map((insert) => ` ${insert.sentence}`);
  const sizes = texts.map((text) => insertTokens(tokenizer, text));
  const total = sizes.reduce((a, b) => a + b, 0);
  const placements = cell.inserts.map((insert) =>
    planNeedlePlacement({
      corpusTokens: haystack.ids.length,
      needleTokens: total,
      contextLength: cell.contextLength,
      depthPercent: insert.depthPercent,
      bufferTokens: cell.bufferTokens,
      isSentenceEndAt: (index) => haystack.sentenceEnd[index] === 1,
    }),
  );
  const contextTokens = placements[0]?.contextTokens ?? Math.min(haystack.ids.length, cell.contextLength - cell.bufferTokens);
  const order = placements.map((p, i) => ({ at: p.insertionPoint, i })).sort((a, b) => a.at - b.at || a.i - b.i);

  let text = "";
  let from = 0;
  let insertedBefore = 0;
  const tokenIndexes = new Array<number>(texts.length);
  for (const { at, i } of order) {
    text += haystackText(haystack, tokenizer, from, at) + texts[i]!;
    tokenIndexes[i] = at + insertedBefore;
    insertedBefore += sizes[i]!;
    from = at;
  }
  text += haystackText(haystack, tokenizer, from, contextTokens);
  return { text, constructedTokens: contextTokens + total, tokenIndexes };
}
