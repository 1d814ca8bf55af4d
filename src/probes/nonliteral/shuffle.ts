// Context Rot's control: the same corpus with its sentences in a seeded random order, so the
// haystack reads as unrelated sentences instead of a coherent text. It is a corpus of its own
// (its own version), so the haystack cache and the boundary store keep it like any other.
import { splitSentences } from "../lexical/text";
import { seededRandom, shuffled } from "../random";
import type { Corpus } from "../types";

const memo = new Map<string, Corpus>(); // per isolate; a run uses one seed

/** The corpus's sentences (split as the reference reader splits them) shuffled by `seed`, joined by spaces. */
export function shuffledCorpus(corpus: Corpus, seed: number): Corpus {
  const version = `${corpus.version}~shuffled-${seed}`;
  let out = memo.get(version);
  if (!out) {
    const sentences = shuffled(splitSentences(corpus.text), seededRandom(seed, "shuffle", corpus.version));
    out = { id: corpus.id, version, text: sentences.join(" ") };
    if (memo.size >= 8) memo.delete(memo.keys().next().value!);
    memo.set(version, out);
  }
  return out;
}
