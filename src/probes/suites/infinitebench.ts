// One line of an InfiniteBench long-book file (longbook_qa_eng.jsonl / longbook_choice_eng.jsonl):
// {"id", "context", "input", "answer", "options"}. Parsed strictly enough that every accepted line
// can be prompted and scored; the multiple-choice answer is normalised the way InfiniteBench's
// get_answer() does it, to [optionText, letter].
import { CHOICE_LETTERS, type BookQaTask } from "../bookqa";

export interface InfiniteBenchQuestion {
  id: string;
  context: string;
  input: string;
  /** Short answer: the gold answers. Multiple choice: [optionText, letter]. */
  answer: string[];
  /** Multiple choice: the four option texts; short answer: []. */
  options: string[];
}

export type LineVerdict = { ok: true; question: InfiniteBenchQuestion } | { ok: false; detail: string };

const MAX_ID_CHARS = 200;
const MAX_QUESTION_CHARS = 20_000;
const MAX_ANSWER_CHARS = 4_000;
const MAX_ANSWERS = 16;

class LineError extends Error {}

function fail(detail: string): never {
  throw new LineError(detail);
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== "string" || value.trim() === "") fail(`${field}: must be a non-empty string`);
  if (value.length > max) fail(`${field}: longer than ${max} characters`);
  return value;
}

function idOf(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "string" && value !== "" && value.length <= MAX_ID_CHARS) return value;
  fail(`id: must be an integer or a non-empty string of at most ${MAX_ID_CHARS} characters`);
}

function shortAnswers(record: Record<string, unknown>): { answer: string[]; options: string[] } {
  const raw = typeof record.answer === "string" ? [record.answer] : record.answer;
  if (!Array.isArray(raw) || raw.length === 0) fail("answer: must be a string or a non-empty array of strings");
  if (raw.length > MAX_ANSWERS) fail(`answer: more than ${MAX_ANSWERS} gold answers`);
  const answer = raw.map((a, i) => text(a, `answer/${i}`, MAX_ANSWER_CHARS));
  const options = record.options;
  if (options !== undefined && options !== null && !(Array.isArray(options) && options.length === 0)) {
    fail("options: longbook_qa_eng questions have no options (is this a longbook_choice_eng file?)");
  }
  return { answer, options: [] };
}

/** InfiniteBench get_answer(): "text", ["text"] or ["text", "B"]; the text must be one of the options. */
function choiceAnswer(record: Record<string, unknown>): { answer: string[]; options: string[] } {
  const rawOptions = record.options;
  if (!Array.isArray(rawOptions) || rawOptions.length !== 4) fail("options: must be an array of exactly 4 option texts");
  const options = rawOptions.map((o, i) => text(o, `options/${i}`, MAX_ANSWER_CHARS));
  const raw = typeof record.answer === "string" ? [record.answer] : record.answer;
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 2) fail('answer: must be "option text", ["option text"] or ["option text", "A"–"D"]');
  const answerText = text(raw[0], "answer/0", MAX_ANSWER_CHARS);
  const index = options.indexOf(answerText);
  if (raw.length === 2) {
    const letter = raw[1];
    const at = CHOICE_LETTERS.indexOf(letter as never);
    if (at === -1) fail('answer/1: must be one of "A", "B", "C", "D"');
    if (options[at] !== answerText) fail(`answer: option ${String(letter)} is not "${answerText}"`);
    return { answer: [answerText, String(letter)], options };
  }
  if (index === -1) fail("answer: must be the text of one of the four options");
  return { answer: [answerText, CHOICE_LETTERS[index]!], options };
}

/** Validates one non-blank line for `task`. */
export function parseInfiniteBenchLine(line: string, task: BookQaTask): LineVerdict {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, detail: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, detail: "must be a JSON object {id, context, input, answer, options}" };
  }
  const record = value as Record<string, unknown>;
  try {
    const id = idOf(record.id);
    if (typeof record.context !== "string" || record.context.trim() === "") fail("context: must be a non-empty string (the book)");
    const input = text(record.input, "input", MAX_QUESTION_CHARS);
    const { answer, options } = task === "longbook_qa_eng" ? shortAnswers(record) : choiceAnswer(record);
    return { ok: true, question: { id, context: record.context, input, answer, options } };
  } catch (error) {
    if (error instanceof LineError) return { ok: false, detail: error.message };
    throw error;
  }
}
