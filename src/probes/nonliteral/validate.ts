// The needle set's validator and audit: for every pair, the content words its needle and question
// share (Porter stems, stop words removed: none for the non-literal kinds), and the BM25 rank of
// its needle for its question among a haystack's sentences, its distractors and itself, ranked by
// the same BM25 the keyword-search reference model answers with. `npm test` runs the validator;
// GET /v1/needle-sets serves the audit.
import { stemmer } from "stemmer";
import { Bm25Index } from "../lexical/bm25";
import { scoringTerms, splitSentences, words } from "../lexical/text";
import { CHARACTER_SLOT, NEEDLE_KINDS, type NeedlePair } from "./types";

/** The audit haystack: this much of the corpus's start (a ~32K-token excerpt) plus the pair's sentences. */
export const AUDIT_CHARACTERS = 150_000;
/** A non-literal needle must rank below this many haystack sentences for its own question. */
export const MIN_NONLITERAL_RANK = 100;
/** A literal question repeats at least this many of its needle's content words. */
export const MIN_LITERAL_SHARED = 2;
/** Each distractor shares at least this many content words with its question. */
export const MIN_DISTRACTOR_OVERLAP = 2;

export interface PairAudit extends NeedlePair {
  /** Content stems the needle and question share. */
  shared_content_words: string[];
  /** 1 = the needle is the sentence BM25 answers with; ties go to the haystack's sentences. */
  bm25_rank: number;
  needle_bm25: number;
  best_distractor_bm25: number;
}

/** Content-word stems of `text`, the character slot left out. */
export function contentStems(text: string): Set<string> {
  return new Set(scoringTerms(text.replaceAll(CHARACTER_SLOT, " ")).map((word) => stemmer(word)));
}

export function sharedContentWords(a: string, b: string): string[] {
  const stemsOfB = contentStems(b);
  return [...contentStems(a)].filter((stem) => stemsOfB.has(stem)).sort();
}

/** Audits every pair over the first AUDIT_CHARACTERS of `corpusText`. */
export function auditNeedleSet(pairs: readonly NeedlePair[], corpusText: string): PairAudit[] {
  const haystack = splitSentences(corpusText.slice(0, AUDIT_CHARACTERS));
  return pairs.map((pair) => auditPair(pair, haystack));
}

function auditPair(pair: NeedlePair, haystack: readonly string[]): PairAudit {
  const distractors = pair.distractors.map((d) => d.text);
  const index = new Bm25Index([...haystack, ...distractors, pair.needle]);
  const scores = index.scores(pair.question);
  const needleIndex = index.size - 1;
  const needleScore = scores[needleIndex]!;
  let outranking = 0;
  for (let i = 0; i < needleIndex; i++) if (scores[i]! >= needleScore) outranking++;
  const { id, kind, needle, question, link } = pair;
  return {
    id,
    kind,
    needle,
    question,
    link,
    distractors: pair.distractors,
    shared_content_words: sharedContentWords(needle, question),
    bm25_rank: outranking + 1,
    needle_bm25: round(needleScore),
    best_distractor_bm25: round(Math.max(0, ...distractors.map((_, i) => scores[haystack.length + i]!))),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Every problem with the set and its names, as "<id>: <what>" lines; [] when it is sound. Names and
 * distractor entities must occur in none of `corpusTexts` (the first is the audit haystack), so a
 * haystack sentence can neither answer a probe nor count as distracted.
 */
export function validateNeedleSet(pairs: readonly NeedlePair[], characters: readonly string[], corpusTexts: readonly [string, ...string[]]): string[] {
  const corpusWords = new Set(corpusTexts.flatMap((text) => words(text)));
  const problems = [...checkCharacters(characters, corpusWords), ...checkIds(pairs)];
  const audits = auditNeedleSet(pairs, corpusTexts[0]);
  pairs.forEach((pair, i) => {
    for (const problem of checkPair(pair, audits[i]!, characters, corpusWords)) problems.push(`${pair.id}: ${problem}`);
  });
  return problems;
}

function checkIds(pairs: readonly NeedlePair[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (seen.has(pair.id)) problems.push(`${pair.id}: id used twice`);
    seen.add(pair.id);
    if (!NEEDLE_KINDS.includes(pair.kind)) problems.push(`${pair.id}: unknown kind ${pair.kind}`);
  }
  return problems;
}

function checkCharacters(characters: readonly string[], corpusWords: Set<string>): string[] {
  const problems: string[] = [];
  if (new Set(characters).size !== characters.length) problems.push("characters: a name is listed twice");
  for (const name of characters) {
    if (!/^\p{Lu}\p{Ll}+$/u.test(name)) problems.push(`characters: ${name} is not one capitalised word`);
    if (corpusWords.has(name.toLowerCase())) problems.push(`characters: ${name} occurs in the corpus, so a haystack sentence could name it`);
  }
  return problems;
}

function checkPair(pair: NeedlePair, audit: PairAudit, characters: readonly string[], corpusWords: Set<string>): string[] {
  return [...checkShape(pair), ...checkWords(pair, audit), ...checkDistractors(pair, characters, corpusWords)];
}

function checkShape(pair: NeedlePair): string[] {
  const problems: string[] = [];
  if (pair.needle.split(CHARACTER_SLOT).length !== 2) problems.push(`the needle must hold ${CHARACTER_SLOT} exactly once`);
  if (!isOneSentence(pair.needle, ".")) problems.push("the needle must be one sentence ending in a period");
  if (!isOneSentence(pair.question, "?") || pair.question.includes(CHARACTER_SLOT)) problems.push("the question must be one question without the slot");
  if ((pair.kind === "literal") !== (pair.link === "")) problems.push("only literal pairs have an empty link");
  return problems;
}

function checkWords(pair: NeedlePair, audit: PairAudit): string[] {
  const shared = audit.shared_content_words;
  if (pair.kind === "literal") {
    if (shared.length < MIN_LITERAL_SHARED) return [`a literal question must repeat ${MIN_LITERAL_SHARED}+ content words of its needle (shares ${shared.join(", ") || "none"})`];
    if (audit.bm25_rank !== 1) return [`a literal needle must be BM25's first sentence for its question (rank ${audit.bm25_rank})`];
    return [];
  }
  if (shared.length) return [`needle and question share content words: ${shared.join(", ")}`];
  if (audit.bm25_rank <= MIN_NONLITERAL_RANK) return [`BM25 ranks the needle ${audit.bm25_rank}; a non-literal needle must rank past ${MIN_NONLITERAL_RANK}`];
  return [];
}

function checkDistractors(pair: NeedlePair, characters: readonly string[], corpusWords: Set<string>): string[] {
  const problems: string[] = [];
  if (pair.distractors.length !== 4) problems.push(`has ${pair.distractors.length} distractors, not 4`);
  for (const { text, entity } of pair.distractors) {
    const where = `distractor "${text}"`;
    if (text.includes(CHARACTER_SLOT)) problems.push(`${where} holds the character slot`);
    if (!isOneSentence(text, ".")) problems.push(`${where} is not one sentence ending in a period`);
    if (!words(text).includes(entity.toLowerCase())) problems.push(`${where} does not name its entity ${entity}`);
    if (characters.includes(entity)) problems.push(`${where} names a character (${entity})`);
    if (corpusWords.has(entity.toLowerCase())) problems.push(`${where}: its entity ${entity} occurs in the corpus`);
    const overlap = sharedContentWords(text, pair.question).length;
    if (overlap < MIN_DISTRACTOR_OVERLAP) problems.push(`${where} shares ${overlap} content words with the question, fewer than ${MIN_DISTRACTOR_OVERLAP}`);
  }
  return problems;
}

function isOneSentence(text: string, end: "." | "?"): boolean {
  return text.endsWith(end) && splitSentences(text).length === 1;
}
