// Importing an MMLU-format multiple-choice file into a new dataset: JSON lines (HF `cais/mmlu` rows
// and other 4-choice sets in that shape) or one of MMLU's original CSV files. As the book QA import
// (./dataset-import.ts): the body is never held whole — it is hashed (the revision) and read row by
// row as it arrives — any invalid row refuses the import, and every D1 row is written in one batch
// at the end. The questions wait in memory until then, so uploads are capped lower than book QA ones.
import { invalid } from "../common/errors";
import { StreamingSha256 } from "../common/hash";
import { newId } from "../common/ids";
import { MC_TASK } from "../contract/catalog";
import type { BookQaDatasetRow } from "../db/schema";
import {
  assignFewShot,
  csvFileSource,
  CsvRecordReader,
  FIRST_ITEMS_SHOTS,
  parseMcCsvRecord,
  parseMcJsonLine,
  type CsvFileSource,
  type CsvRecord,
  type McRow,
  type RowVerdict,
} from "../probes/mmlu/import";
import { DatasetImportError, DatasetTooLargeError, MAX_REPORTED_ERRORS, type LineError } from "./dataset-import";
import { ndjsonLines } from "./ndjson";
import { insertMcDataset, type NewMcQuestion } from "./store";

/** Questions asked per dataset: MMLU's 14,042 test questions fit (the book QA cap, 5000, would not). */
export const MAX_MC_DATASET_QUESTIONS = 20_000;
/** Rows of every split, asked and few-shot: all of MMLU (dev + val + test) is 15,858. */
const MAX_MC_DATASET_ROWS = 25_000;
/** MMLU's longest question with its options is a few KB; a record far beyond is not a question. */
const MAX_MC_RECORD_CHARS = 256 * 1024;
/** All of MMLU as JSON lines is ~10 MB; what is read is held in memory until it has validated. */
export const MAX_MC_DATASET_BYTES = 32 * 1024 * 1024;

export type McFileFormat = "jsonl" | "csv";

export interface McDatasetImport {
  name: string;
  accountId: string;
  public: boolean;
  body: ReadableStream<Uint8Array>;
  /** Stop reading and refuse the upload past this many bytes. */
  maxBytes: number;
  format: McFileFormat;
  /** CSV only: the file's name, which gives its subject and split (`abstract_algebra_test.csv`). */
  fileName?: string;
}

interface McPlan {
  questions: NewMcQuestion[];
  asked: number;
  subjects: number;
  shotsFrom: "dev" | "first_items";
}

/** The rows of one upload checked one by one: the questions so far, and what is wrong with the file. */
class McRowCollector {
  readonly rows: McRow[] = [];
  /** The line each kept row starts on. */
  readonly lines: number[] = [];
  readonly errors: LineError[] = [];
  invalidLines = 0;

  note(line: number, detail: string): void {
    this.invalidLines++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, detail });
  }

  take(line: number, verdict: RowVerdict): void {
    if (!verdict.ok) return this.note(line, verdict.detail);
    if (this.rows.length >= MAX_MC_DATASET_ROWS) return this.note(line, `a dataset holds at most ${MAX_MC_DATASET_ROWS} rows (asked and few-shot)`);
    // Once the import is refused, keep validating (to report more lines) but keep nothing more.
    if (this.invalidLines > 0) return;
    this.rows.push(verdict.row);
    this.lines.push(line);
  }

  /** Each row's role (few-shot or asked) once the whole file is in, or null (and notes) if it is refused. */
  finish(): McPlan | null {
    if (this.invalidLines === 0 && this.rows.length === 0) this.note(0, "the file holds no questions");
    if (this.invalidLines > 0) return null;
    const plan = assignFewShot(this.rows);
    for (const small of plan.tooSmall) {
      const detail = `subject "${small.subject}" has no dev rows and only ${small.questions} question(s); without dev rows a subject's first ${FIRST_ITEMS_SHOTS} questions are its few-shot examples, which would leave none to ask`;
      this.note(this.lines[small.firstRow]!, detail);
    }
    const askedRows = plan.splits.flatMap((split, i) => (split === "test" ? [i] : []));
    if (askedRows.length > MAX_MC_DATASET_QUESTIONS) {
      this.note(this.lines[askedRows[MAX_MC_DATASET_QUESTIONS]!]!, `a dataset asks at most ${MAX_MC_DATASET_QUESTIONS} questions (its few-shot rows aside); this is question ${MAX_MC_DATASET_QUESTIONS + 1}`);
    }
    if (this.invalidLines === 0 && askedRows.length === 0) this.note(0, "the file holds only few-shot (dev) rows and no questions to ask");
    if (this.invalidLines > 0) {
      this.errors.sort((a, b) => a.line - b.line);
      return null;
    }
    const questions = this.rows.map((row, position) => ({ position, ...row, split: plan.splits[position]! }));
    return { questions, asked: askedRows.length, subjects: plan.subjects, shotsFrom: plan.shotsFrom };
  }
}

/** The CSV file's subject and split from its name, or a refusal pointing at the `file_name` parameter. */
function csvSource(fileName: string | undefined): CsvFileSource {
  const verdict =
    fileName === undefined
      ? { ok: false as const, detail: "required for a CSV file: its subject and split come from the name (e.g. abstract_algebra_test.csv)" }
      : csvFileSource(fileName);
  if (!verdict.ok) throw invalid([{ pointer: "/file_name", detail: verdict.detail, in: "query" }], () => "file_name is invalid");
  return verdict.source;
}

/** CSV records of a byte stream, decoded as UTF-8 as they arrive; `onBytes` sees every chunk first. */
async function* csvRecords(stream: ReadableStream<Uint8Array>, onBytes: (chunk: Uint8Array) => unknown): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const records = new CsvRecordReader(MAX_MC_RECORD_CHARS);
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await onBytes(value);
      // Decoded line by line (no UTF-8 sequence holds a 0x0a byte), so bad bytes are pinned to their line.
      for (const piece of linePieces(value)) {
        const text = decodeOrNull(decoder, piece);
        if (text === null) {
          // Nothing after bytes that are not UTF-8 can be trusted to line up: the file is refused here.
          yield { line: records.lineNumber, problem: "the line is not valid UTF-8" };
          await reader.cancel();
          return;
        }
        yield* records.push(text);
      }
    }
    if (decodeOrNull(decoder) === null) yield { line: records.lineNumber, problem: "the file ends inside a UTF-8 character" };
    else yield* records.end();
  } finally {
    reader.releaseLock();
  }
}

/** The chunk cut after each newline byte. */
function* linePieces(chunk: Uint8Array): Generator<Uint8Array> {
  let start = 0;
  for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
    yield chunk.subarray(start, newline + 1);
    start = newline + 1;
  }
  if (start < chunk.length) yield chunk.subarray(start);
}

function decodeOrNull(decoder: TextDecoder, chunk?: Uint8Array): string | null {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    return null;
  }
}

/** Every non-blank row of the upload with its (first) line number, checked. */
async function* uploadRows(upload: McDatasetImport, onBytes: (chunk: Uint8Array) => unknown): AsyncGenerator<{ line: number; verdict: RowVerdict }> {
  if (upload.format === "csv") {
    const source = csvSource(upload.fileName);
    for await (const record of csvRecords(upload.body, onBytes)) {
      yield { line: record.line, verdict: "problem" in record ? { ok: false, detail: record.problem } : parseMcCsvRecord(record.fields, source) };
    }
    return;
  }
  for await (const line of ndjsonLines(upload.body, { maxLineBytes: MAX_MC_RECORD_CHARS, onBytes })) {
    if ("problem" in line) yield { line: line.number, verdict: { ok: false, detail: line.problem } };
    else if (line.text.trim() !== "") yield { line: line.number, verdict: parseMcJsonLine(line.text) };
  }
}

/** Streams an MMLU-format file into a new dataset (see the top of this file). */
export async function importMcDataset(env: Env, upload: McDatasetImport, now = Date.now()): Promise<BookQaDatasetRow> {
  const hash = new StreamingSha256();
  let bytes = 0;
  const onBytes = (chunk: Uint8Array) => {
    bytes += chunk.length;
    // Checked per chunk, not per row: a record that never ends must not keep the upload reading.
    if (bytes > upload.maxBytes) throw new DatasetTooLargeError(upload.maxBytes);
    return hash.update(chunk);
  };
  const collector = new McRowCollector();
  for await (const { line, verdict } of uploadRows(upload, onBytes)) collector.take(line, verdict);
  const plan = collector.finish();
  if (!plan) throw new DatasetImportError(collector.errors, collector.invalidLines);
  const row: BookQaDatasetRow = {
    id: newId("ds", 12),
    name: upload.name,
    task: MC_TASK,
    revision: await hash.hex(),
    questions: plan.asked,
    books: 0,
    bytes,
    createdAt: now,
    accountId: upload.accountId,
    public: upload.public ? 1 : 0,
    subjects: plan.subjects,
    shotsFrom: plan.shotsFrom,
  };
  await insertMcDataset(env.DB, row, plan.questions);
  return row;
}
