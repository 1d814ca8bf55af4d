// The two BookQA scorers, ported rule for rule (quirks included) so our numbers are comparable:
// - InfiniteBench `src/compute_scores.py` (token F1 for En.QA, letter extraction for En.MC);
// - the paper repo's `eval/book/eval_book.py` running "Recall so far" (+ `process_choice`).
// Python string behaviour (split/strip/lower, `in`) is reproduced via ./pystr.
import { firstCodePoint, PY_PUNCTUATION, pySplit, pyStrip } from "./pystr";
import type { BookQaExample, BookQaScores, BookQaTask } from "./types";

// ---------------------------------------------------------------------------------------------
// InfiniteBench En.QA: SQuAD normalisation + multiset token F1, max over gold answers.

const PUNCTUATION = new Set(PY_PUNCTUATION);
// Python's `\b` on str patterns is Unicode-aware (\w = letters, digits, underscore); JS `\b` is
// ASCII-only even with /u, so the boundary is spelled out with lookarounds.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** normalize_answer: lower → drop string.punctuation → articles to " " → collapse whitespace. */
export function normalizeAnswer(text: string): string {
  const lowered = text.toLowerCase();
  let withoutPunctuation = "";
  for (const char of lowered) if (!PUNCTUATION.has(char)) withoutPunctuation += char;
  return pySplit(withoutPunctuation.replace(ARTICLES, " ")).join(" ");
}

/** f1_score over token lists: multiset intersection; 0 when nothing is shared. */
export function tokenF1(predTokens: readonly string[], goldTokens: readonly string[]): number {
  const goldCounts = new Map<string, number>();
  for (const token of goldTokens) goldCounts.set(token, (goldCounts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predTokens) {
    const left = goldCounts.get(token) ?? 0;
    if (left > 0) {
      same++;
      goldCounts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/** qa_f1_score: best F1 of the prediction against any gold answer (0 when there are none). */
export function infiniteBenchQaF1(pred: string, golds: readonly string[]): number {
  const predTokens = pySplit(normalizeAnswer(pred));
  let best = 0;
  for (const gold of golds) best = Math.max(best, tokenF1(predTokens, pySplit(normalizeAnswer(gold))));
  return best;
}

// ---------------------------------------------------------------------------------------------
// InfiniteBench En.MC: get_score_one_longbook_choice_eng, branch for branch.

const CHOICE_PUNCTUATION = ["\n", '"', "'", ".", ",", "?", "!", "{", "}"];
const ANSWER_PREFIXES = ["answer is:", "answer:", "answer is", "option is"];

/**
 * 1 if the prediction picks the labelled option, else 0. `label` is [optionText, letter].
 * Quirks kept on purpose: any answer starting with a capital A–D is read as that letter ("According
 * to…" → A); prefixes are case-sensitive and only the first one found counts; the character right
 * after the prefix is skipped unseen; the fallback takes the first token that is a substring of
 * "ABCD" ("AB", "BCD" qualify) and then requires it to equal an element of the label.
 */
export function infiniteBenchChoice(pred: string, label: readonly [optionText: string, letter: string]): number {
  return choiceIsCorrect(pred, label) ? 1 : 0;
}

function choiceIsCorrect(rawPred: string, label: readonly string[]): boolean {
  let pred = pyStrip(rawPred);
  if (pred === "") return false;
  const first = firstCodePoint(pred);
  if ("ABCD".includes(first)) return label.includes(first);
  if (label.includes(pred)) return true;

  for (const char of CHOICE_PUNCTUATION) pred = pred.split(char).join(" ");
  while (pred.includes("  ")) pred = pred.split("  ").join(" ");

  for (const prefix of ANSWER_PREFIXES) {
    const index = pred.indexOf(prefix);
    if (index === -1) continue;
    const end = index + prefix.length;
    if (end >= pred.length) return false; // the prediction ends with the prefix
    const skipped = firstCodePoint(pred.slice(end)).length; // Python skips exactly one character
    const afterPrefix = pred.slice(end + skipped);
    return label.some((s) => afterPrefix.startsWith(s));
  }

  for (const word of pySplit(pred)) {
    if ("ABCD".includes(word)) return label.includes(word);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The paper repo (eval_book.py): set-based word recall against the first gold answer.

/**
 * |set(gold words) ∩ set(pred words)| / |set(gold words)|, both lower-cased and whitespace-split,
 * with no punctuation handling. An empty gold would divide by zero in Python; we return 0.
 */
export function paperRecall(pred: string, gold: string): number {
  const goldWords = new Set(pySplit(gold.toLowerCase()));
  if (goldWords.size === 0) return 0;
  const predWords = new Set(pySplit(pred.toLowerCase()));
  let shared = 0;
  for (const word of goldWords) if (predWords.has(word)) shared++;
  return shared / goldWords.size;
}

/**
 * eval_book.py's `process_choice(pred.lower(), options)`: if the first character of the lower-cased
 * prediction is a/b/c/d and that option's text is not already in it, append the option text
 * lower-cased. Case bug kept: the ORIGINAL-case option is searched in the LOWER-cased prediction, so
 * options with capitals are always appended. A leading space makes the first character "" (no
 * match). Returns the lower-cased, possibly extended prediction. The paper raised IndexError on an
 * empty prediction; we return "" (which then scores 0).
 */
export function processChoice(pred: string, options: readonly string[]): string {
  const lowered = pred.toLowerCase();
  if (lowered === "") return lowered;
  const letter = pyStrip(firstCodePoint(lowered));
  const index = ["a", "b", "c", "d"].indexOf(letter);
  if (index === -1) return lowered;
  const option = options[index];
  if (option === undefined || lowered.includes(option)) return lowered;
  return `${lowered} ${option.toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------

/** Both scores for one prediction. */
export function scoreBookQa(
  task: BookQaTask,
  pred: string,
  example: Pick<BookQaExample, "answer" | "options">,
): BookQaScores {
  const firstGold = example.answer[0] ?? "";
  if (task === "longbook_qa_eng") {
    return { infinitebench: infiniteBenchQaF1(pred, example.answer), paper_recall: paperRecall(pred, firstGold) };
  }
  const label = [firstGold, example.answer[1] ?? ""] as const;
  return {
    infinitebench: infiniteBenchChoice(pred, label),
    paper_recall: paperRecall(processChoice(pred, example.options), firstGold),
  };
}
