// Needle scores, each in [0, 1] (run aggregates are reported x100).
import { NEEDLE } from "./constants";
import { porterStem } from "./porter";

export const NEEDLE_METRICS = ["paper", "rouge1", "contains"] as const;
export type NeedleMetric = (typeof NEEDLE_METRICS)[number];
export type NeedleScores = Record<NeedleMetric, number>;

/** The needle without the San Francisco preamble, as visualize.py compares it (with its period). */
export const EXPECTED_ANSWER = "eat a sandwich and sit in Dolores Park on a sunny day.";

const EXPECTED_WORDS = splitOnWhitespace(EXPECTED_ANSWER.toLowerCase()); // 12 words, "a" twice
const EXPECTED_WORD_SET = new Set(EXPECTED_WORDS);

function splitOnWhitespace(text: string): string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}

/**
 * visualize.py: |set(response.lower().split()) & set(expected)| / 12. No punctuation stripping
 * ("day." must match "day."), no precision term, and "a" counts once in the set, so a perfect
 * answer scores 11/12.
 */
export function paperScore(response: string): number {
  let hits = 0;
  for (const word of new Set(splitOnWhitespace(response.toLowerCase()))) if (EXPECTED_WORD_SET.has(word)) hits++;
  return hits / EXPECTED_WORDS.length;
}

/** rouge_score's tokenizer: lower-case, non-[a-z0-9] -> space, split, Porter-stem words longer than 3. */
export function rougeTokens(text: string): string[] {
  return splitOnWhitespace(text.toLowerCase().replace(/[^a-z0-9]+/g, " ")).map((token) =>
    token.length > 3 ? porterStem(token) : token,
  );
}

function countTokens(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** ROUGE-1 F-measure as rouge_score computes it (unigram overlap with multiplicity). */
export function rouge1F(reference: string, prediction: string): number {
  const referenceTokens = rougeTokens(reference);
  const predictionTokens = rougeTokens(prediction);
  const predictionCounts = countTokens(predictionTokens);
  let overlap = 0;
  for (const [token, count] of countTokens(referenceTokens)) overlap += Math.min(count, predictionCounts.get(token) ?? 0);
  const precision = overlap / Math.max(predictionTokens.length, 1);
  const recall = overlap / Math.max(referenceTokens.length, 1);
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Lower-case, punctuation to spaces, whitespace collapsed, padded with one space each side. */
function normalizeForContains(text: string): string {
  return ` ${text.toLowerCase().replace(/[^\p{L}\p{N}\s]+/gu, " ").replace(/\s+/g, " ").trim()} `;
}

const NORMALIZED_ANSWER = normalizeForContains(EXPECTED_ANSWER);

/**
 * paper: visualize.py's score. rouge1: ROUGE-1 F against the needle in [0, 1] (the paper stored it
 * x10). contains: 1 when the normalized response contains the normalized answer as whole words.
 */
export function scoreNeedle(response: string): NeedleScores {
  return {
    paper: paperScore(response),
    rouge1: rouge1F(NEEDLE, response), // the paper: scorer.score(needle, response)
    contains: normalizeForContains(response).includes(NORMALIZED_ANSWER) ? 1 : 0,
  };
}
