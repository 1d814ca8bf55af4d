// The built-in "moby-dick-qa" dataset: our own questions over Moby-Dick, exposed as a fake book in
// the InfiniteBench manner (core entity names substituted everywhere, consistently).
import { mobyDickOriginalText } from "./book";
import { MULTIPLE_CHOICE_QUESTIONS, SHORT_ANSWER_QUESTIONS, type RawQuestion } from "./builtin-questions";
import { mobyDickSubstitution, type EntitySubstitution } from "./substitute";
import { CHOICE_LETTERS, type BookQaDataset, type BookQaExample } from "./types";

export const BUILTIN_BOOKQA_ID = "moby-dick-qa";
/** Bump when the questions, the substitution map or the book assembly change meaning. */
const DATASET_REVISION = "1";

function toExample(question: RawQuestion): BookQaExample {
  const common = { id: question.id, input: question.question, evidence: question.evidence, chapter: question.chapter };
  if (question.kind === "qa") {
    return { ...common, task: "longbook_qa_eng", answer: [...question.answers], options: [] };
  }
  const index = CHOICE_LETTERS.indexOf(question.correct);
  return { ...common, task: "longbook_choice_eng", answer: [question.options[index]!, question.correct], options: [...question.options] };
}

function substituteExample(example: BookQaExample, substitution: EntitySubstitution): BookQaExample {
  const apply = (text: string) => substitution.apply(text);
  return {
    ...example,
    input: apply(example.input),
    // For multiple choice answer = [optionText, letter]; a lone letter is never a name.
    answer: example.answer.map(apply),
    options: example.options.map(apply),
    evidence: apply(example.evidence),
  };
}

/** Examples in book order (by chapter, then id), before substitution. */
export function originalBuiltinExamples(): BookQaExample[] {
  return [...SHORT_ANSWER_QUESTIONS, ...MULTIPLE_CHOICE_QUESTIONS]
    .map(toExample)
    .sort((a, b) => a.chapter - b.chapter || a.id.localeCompare(b.id));
}

/** 32-bit FNV-1a over UTF-16 code units: a cheap, deterministic content fingerprint. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

let cached: BookQaDataset | undefined;

/** The substituted dataset (memoised; treat it as read-only). `version` changes with its content. */
export async function loadBuiltinBookQa(): Promise<BookQaDataset> {
  if (cached) return cached;
  const substitution = mobyDickSubstitution;
  const book = substitution.apply(await mobyDickOriginalText());
  const examples = originalBuiltinExamples().map((example) => substituteExample(example, substitution));
  const version = `${DATASET_REVISION}+${fingerprint(book + JSON.stringify(examples))}`;
  cached = { id: BUILTIN_BOOKQA_ID, version, book, examples };
  return cached;
}
