// `ctxprobe score`: score an InfiniteBench prediction file offline with both book QA metrics.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseChoice, parseCommandArgs, requirePositional } from "./args";
import { CliError, EXIT, UsageError, writeLine, type CliIo } from "./io";
import { BOOKQA_TASKS, PredictionFileError, scorePredictions } from "./predictions";

export const SCORE_HELP = `Usage: ctxprobe score --task longbook_qa_eng|longbook_choice_eng FILE

Score an InfiniteBench prediction file (JSON lines) offline with the scorers ctxprobe uses for live
book QA probes, and print one JSON line:
  {"task":…,"n":…,"infinitebench":…,"paper_recall":…}   scores are 0–100, two decimals

  infinitebench   InfiniteBench's compute_scores.py: token F1, max over gold answers (En.QA);
                  answer-letter extraction (En.MC)
  paper_recall    the paper repo's eval_book.py word recall against the first gold answer; for
                  En.MC after process_choice, which needs the options: null unless every line
                  has an "options" field

Each line: "prediction" (or "pred") and "ground_truth" (or "label"):
  En.QA   a list of gold answers, or one answer
  En.MC   [optionText, letter] as InfiniteBench's released results, e.g. ["Walking Georgie","A"];
          or a letter A–D, or the option text (completed from "options" when present)
  options optional for En.MC: the four option texts A–D

A malformed line stops scoring: "line N: reason" on stderr, exit code 2.
`;

const OPTIONS = { task: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

/** Lines of a file, read as a stream (prediction files can be large). */
function fileLines(path: string) {
  const input = createReadStream(path, { encoding: "utf8" });
  return { lines: createInterface({ input, crlfDelay: Infinity }), input };
}

export async function scoreCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("score", argv, OPTIONS, 1);
  if (values.help) {
    io.stdout.write(SCORE_HELP);
    return EXIT.ok;
  }
  if (values.task === undefined) throw new UsageError("--task is required", "score");
  const task = parseChoice("--task", values.task, BOOKQA_TASKS);
  const path = requirePositional("score", positionals, 0, "prediction FILE");

  const { lines, input } = fileLines(path);
  // readline does not surface the stream's open error (ENOENT, EISDIR); race it against the scoring.
  const opened = new Promise<never>((_, reject) => input.once("error", reject));
  try {
    const summary = await Promise.race([scorePredictions(task, lines), opened]);
    writeLine(io.stdout, JSON.stringify(summary));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof PredictionFileError) throw new CliError(`${path}: ${error.message}`, EXIT.usage);
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new CliError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`, EXIT.usage);
    throw error;
  } finally {
    lines.close();
    input.destroy();
  }
}
