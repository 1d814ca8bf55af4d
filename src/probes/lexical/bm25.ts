// Okapi BM25 over a fixed list of short documents (here: the sentences of a context).
import { scoringTerms } from "./text";

const K1 = 1.2;
const B = 0.75;

interface Posting {
  documents: number[];
  frequencies: number[];
}

export class Bm25Index {
  private readonly postings = new Map<string, Posting>();
  private readonly lengths: number[] = [];
  private readonly averageLength: number;

  constructor(documents: readonly string[]) {
    let totalLength = 0;
    documents.forEach((document, index) => {
      const terms = scoringTerms(document);
      this.lengths.push(terms.length);
      totalLength += terms.length;
      for (const [term, frequency] of countTerms(terms)) {
        let posting = this.postings.get(term);
        if (!posting) this.postings.set(term, (posting = { documents: [], frequencies: [] }));
        posting.documents.push(index);
        posting.frequencies.push(frequency);
      }
    });
    this.averageLength = documents.length ? totalLength / documents.length : 0;
  }

  get size(): number {
    return this.lengths.length;
  }

  /** BM25 score of every document for `query` (repeated query terms count once). */
  scores(query: string): Float64Array {
    const scores = new Float64Array(this.size);
    for (const term of new Set(scoringTerms(query))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = this.inverseDocumentFrequency(posting.documents.length);
      posting.documents.forEach((document, i) => {
        const frequency = posting.frequencies[i]!;
        const norm = K1 * (1 - B + (B * this.lengths[document]!) / this.averageLength);
        scores[document]! += (idf * frequency * (K1 + 1)) / (frequency + norm);
      });
    }
    return scores;
  }

  /** Highest-scoring document for `query` (earliest on ties), or undefined if nothing matches. */
  best(query: string): { index: number; score: number } | undefined {
    const scores = this.scores(query);
    let best: { index: number; score: number } | undefined;
    scores.forEach((score, index) => {
      if (score > 0 && (!best || score > best.score)) best = { index, score };
    });
    return best;
  }

  // Lucene's variant: always positive, so a term present in most sentences still counts a little.
  private inverseDocumentFrequency(documentFrequency: number): number {
    return Math.log(1 + (this.size - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
