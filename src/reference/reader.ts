// The extractive "reader" behind the reference models: lexical retrieval, no neural network.
import { Bm25Index } from "../probes/lexical/bm25";
import type { AnswerOption, ParsedPrompt } from "./prompt";
import { splitSentences } from "../probes/lexical/text";

/** Said when no sentence of the visible context shares a content word with the question. */
export const NO_ANSWER = "The document does not say.";

/**
 * Answers from `context` alone:
 * - open question → the context sentence with the highest BM25 score for the question (verbatim);
 * - multiple choice → the letter alone (e.g. "B") of the option whose question+option query
 *   reaches the highest BM25 score on any single sentence; ties go to the earliest option.
 */
export function readAnswer({ context, question, options }: ParsedPrompt): string {
  const sentences = splitSentences(context);
  const index = new Bm25Index(sentences);
  if (options) return chooseOption(index, question, options).letter;
  const best = index.best(question);
  return best ? sentences[best.index]! : NO_ANSWER;
}

function chooseOption(index: Bm25Index, question: string, options: readonly AnswerOption[]): AnswerOption {
  let chosen = options[0]!;
  let chosenScore = -1;
  for (const option of options) {
    const score = index.best(`${question} ${option.text}`)?.score ?? 0;
    if (score > chosenScore) {
      chosen = option;
      chosenScore = score;
    }
  }
  return chosen;
}
