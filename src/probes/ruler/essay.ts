// The essay haystack on the needle builder's cached tokenization: RULER joins the essays'
// whitespace-normalised words (re.sub(r"\s+", " ", essay)), splits the first N into sentences and
// puts each needle between sentences at int(len(sentences) × depth / 100), joining everything with
// " ". Here the corpus is normalised once, tokenized once per tokenizer (../needle: in memory and in
// the boundary store), and a probe is slices of it: a prefix of N tokens cut at a word's end, the
// needles at sentence boundaries — no text is tokenized per probe.
import type { Haystack } from "../needle/haystack";
import type { Corpus } from "../types";
import type { CorpusSlice, Piece } from "./count";

const normalised = new Map<string, Corpus>();

/** The corpus with every run of whitespace one space, as RULER reads its essays. */
export function essayCorpus(corpus: Corpus): Corpus {
  const key = `${corpus.id}\u0000${corpus.version}`;
  let out = normalised.get(key);
  if (!out) {
    out = { id: `${corpus.id}~ruler`, version: `${corpus.version}~ws1`, text: corpus.text.replace(/\s+/g, " ").trim() };
    normalised.set(key, out);
  }
  return out;
}

const boundaryMemo = new WeakMap<Haystack, Int32Array>();

/** Token indexes where a sentence starts: after a sentence-end token, before a space. */
export function sentenceStarts(haystack: Haystack): Int32Array {
  let starts = boundaryMemo.get(haystack);
  if (!starts) {
    const { charStart, sentenceEnd, text } = haystack;
    const found: number[] = [];
    for (let k = 0; k + 1 < haystack.ids.length; k++) {
      if (sentenceEnd[k] === 1 && charStart[k + 1]! >= 0 && text[charStart[k + 1]!] === " ") found.push(k + 1);
    }
    boundaryMemo.set(haystack, (starts = Int32Array.from(found)));
  }
  return starts;
}

/** How many of the sorted `values` are < limit. */
function countBelow(values: Int32Array, limit: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The largest n' ≤ n where the prefix ends at a word's end (the next token starts with a space). */
export function snapToWordEnd(haystack: Haystack, n: number): number {
  const { charStart, text } = haystack;
  let k = Math.min(n, haystack.ids.length - 1);
  while (k > 1 && !(charStart[k]! >= 0 && text[charStart[k]!] === " ")) k--;
  return k;
}

/**
 * The context's pieces: the first `tokens` corpus tokens with `needles` (in order) at the sentence
 * positions of `depths` (sorted ascending), joined as RULER's " ".join joins its segments.
 */
export function essayPieces(haystack: Haystack, tokens: number, needles: readonly string[], depths: readonly number[]): Piece[] {
  const starts = sentenceStarts(haystack);
  const sentences = countBelow(starts, tokens) + 1; // the last one may be cut short, as RULER's is
  const at = (j: number) => (j === 0 ? 0 : j >= sentences ? tokens : starts[j - 1]!);
  const cuts = depths.map((d) => at(Math.trunc(sentences * (d / 100))));
  const pieces: Piece[] = [];
  let from = 0;
  const segment = (to: number, first: boolean) => {
    const slice: CorpusSlice = { haystack, start: from, end: to };
    const startsWithSpace = to > from && haystack.text[haystack.charStart[from]!] === " ";
    if (!first && !startsWithSpace) pieces.push(" "); // the join RULER puts before every segment
    if (to > from) pieces.push(slice);
    from = to;
  };
  cuts.forEach((cut, i) => {
    segment(cut, i === 0);
    pieces.push(" " + needles[i]!);
  });
  segment(tokens, cuts.length === 0);
  return pieces;
}
