// InfiniteBench prediction files (JSON lines), scored with the same scorers as live book QA probes.
//
// Accepted line shapes (InfiniteBench's compute_scores.py reads the same keys, in the same order):
//   prediction: "prediction", else "pred" — a string.
//   gold:       "ground_truth", else "label".
//     longbook_qa_eng      a list of gold answers, or one answer as a string.
//     longbook_choice_eng  [optionText, letter] as InfiniteBench's released results store it
//                          (e.g. ["Walking Georgie", "A"]); or a bare letter "A"–"D"; or the option text.
//   options:    optional, longbook_choice_eng only: the four option texts A–D. It lets a bare letter
//               or bare text be completed into [optionText, letter], and it is what the paper's
//               process_choice needs: without options on every line, paper_recall is null.
// Blank lines are skipped (as InfiniteBench does); line numbers count them.
import { infiniteBenchChoice, scoreBookQa } from "../../probes/bookqa/score";
import { BOOKQA_TASKS, CHOICE_LETTERS, type BookQaTask } from "../../probes/bookqa/types";

export { BOOKQA_TASKS, type BookQaTask };

/** The file cannot be scored (exit 2). */
export class PredictionFileError extends Error {}

export class MalformedLineError extends PredictionFileError {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface ScoredLine {
  /** InfiniteBench's official score of the line, 0–1. */
  infinitebench: number;
  /** The paper repo's word recall, 0–1; null for multiple choice without options. */
  paperRecall: number | null;
}

export interface ScoreSummary {
  task: BookQaTask;
  n: number;
  /** Mean × 100, two decimals. */
  infinitebench: number;
  paper_recall: number | null;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isLetter = (v: unknown): v is string => isString(v) && (CHOICE_LETTERS as readonly string[]).includes(v);

function pick(record: Record<string, unknown>, keys: string[]): { key: string; value: unknown } | null {
  for (const key of keys) if (key in record) return { key, value: record[key] };
  return null;
}

/** Parses and scores one non-blank line; throws MalformedLineError with the reason. */
export function scoreLine(task: BookQaTask, text: string, lineNumber: number): ScoredLine {
  const fail = (reason: string): never => {
    throw new MalformedLineError(lineNumber, reason);
  };
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) return fail("not a JSON object");
  const fields = record as Record<string, unknown>;

  const pred = pick(fields, ["prediction", "pred"]) ?? fail(`no "prediction" or "pred" field`);
  if (!isString(pred.value)) fail(`"${pred.key}" must be a string`);
  const prediction = pred.value as string;
  const gold = pick(fields, ["ground_truth", "label"]) ?? fail(`no "ground_truth" or "label" field`);

  if (task === "longbook_qa_eng") {
    const answers = isString(gold.value) ? [gold.value] : gold.value;
    if (!Array.isArray(answers) || !answers.every(isString)) return fail(`"${gold.key}" must be a string or a list of strings`);
    if (answers.length === 0) return fail(`"${gold.key}" has no answers`);
    const scores = scoreBookQa(task, prediction, { answer: answers, options: [] });
    return { infinitebench: scores.infinitebench, paperRecall: scores.paper_recall };
  }

  const options = "options" in fields ? fields.options : undefined;
  if (options !== undefined && (!Array.isArray(options) || options.length !== 4 || !options.every(isString))) {
    fail(`"options" must be a list of 4 strings (A–D)`);
  }
  const { text: optionText, letter } = choiceLabel(gold.key, gold.value, options as string[] | undefined, fail);
  if (options !== undefined && optionText !== undefined && letter !== undefined) {
    const scores = scoreBookQa(task, prediction, { answer: [optionText, letter], options: options as string[] });
    return { infinitebench: scores.infinitebench, paperRecall: scores.paper_recall };
  }
  // Without options only the letter extractor can run. A one-sided label is repeated, which scores
  // exactly as InfiniteBench does with a plain-string label ("B" in "B" ⇔ ["B", "B"].includes("B")).
  const label = [optionText ?? letter!, letter ?? optionText!] as const;
  return { infinitebench: infiniteBenchChoice(prediction, label), paperRecall: null };
}

/** The [optionText, letter] of a multiple-choice gold, either half completed from `options` when possible. */
function choiceLabel(key: string, value: unknown, options: string[] | undefined, fail: (reason: string) => never): { text?: string; letter?: string } {
  if (Array.isArray(value)) {
    if (value.length !== 2 || !isString(value[0]) || !isLetter(value[1])) return fail(`"${key}" must be [optionText, letter A–D], a letter, or an option text`);
    return { text: value[0], letter: value[1] };
  }
  if (!isString(value) || value === "") return fail(`"${key}" must be [optionText, letter A–D], a letter, or an option text`);
  if (isLetter(value)) return { letter: value, text: options?.[CHOICE_LETTERS.indexOf(value as (typeof CHOICE_LETTERS)[number])] };
  if (!options) return { text: value };
  const index = options.indexOf(value);
  if (index === -1) return fail(`"${key}" is neither a letter A–D nor one of the options`);
  return { text: value, letter: CHOICE_LETTERS[index] };
}

const percent = (sum: number, n: number) => Math.round((10_000 * sum) / n) / 100;

/** Scores every line of a prediction file, streaming: only running sums are kept. */
export async function scorePredictions(task: BookQaTask, lines: AsyncIterable<string> | Iterable<string>): Promise<ScoreSummary> {
  let n = 0;
  let lineNumber = 0;
  let infinitebench = 0;
  let paperRecall = 0;
  let paperRecallEverywhere = true;
  for await (const raw of lines) {
    lineNumber++;
    if (raw.trim() === "") continue;
    const scored = scoreLine(task, raw, lineNumber);
    n++;
    infinitebench += scored.infinitebench;
    if (scored.paperRecall === null) paperRecallEverywhere = false;
    else paperRecall += scored.paperRecall;
  }
  if (n === 0) throw new PredictionFileError("the file has no predictions");
  return { task, n, infinitebench: percent(infinitebench, n), paper_recall: paperRecallEverywhere ? percent(paperRecall, n) : null };
}
