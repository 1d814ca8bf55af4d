// Importing an InfiniteBench JSON-lines file into a new book QA dataset. The body is never held
// whole: it is hashed (the revision) and split into lines as it arrives; each line's book goes to R2
// at once (deduplicated by content hash) and its question is kept in memory (small) until the whole
// file has validated, then every D1 row is written in one batch. Any invalid line refuses the import
// and removes the books it added; datasets are immutable afterwards (a re-import is a new id).
import { sha256Hex, StreamingSha256 } from "../common/hash";
import { newId } from "../common/ids";
import type { BookQaDatasetRow } from "../db/schema";
import type { BookQaTask } from "../probes/bookqa";
import { parseInfiniteBenchLine } from "../probes/suites/infinitebench";
import { ndjsonLines, type NdjsonLine } from "./ndjson";
import { bookInUse, insertDataset, type NewQuestion } from "./store";

/** More questions than any InfiniteBench task (351); keeps one import's D1 batch small. */
export const MAX_DATASET_QUESTIONS = 5000;
/** A line holds a whole book (~1–2 MB in InfiniteBench); anything far beyond is not a book. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
export const MAX_REPORTED_ERRORS = 20;
/** Default cap on one upload (MAX_DATASET_BYTES): InfiniteBench's En.QA file is ~0.5 GB (each line repeats its book). */
export const DEFAULT_MAX_DATASET_BYTES = 1024 * 1024 * 1024;

/** The upload went past its byte cap; it was refused and nothing of it was kept. */
export class DatasetTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`dataset uploads are limited to ${maxBytes} bytes`);
  }
}

export interface LineError {
  /** 1-based line number; 0 for the file as a whole. */
  line: number;
  detail: string;
}

/** The upload was refused; nothing of it was kept. */
export class DatasetImportError extends Error {
  constructor(
    readonly errors: LineError[],
    readonly invalidLines: number,
  ) {
    super(errors.length === 1 ? `line ${errors[0]!.line}: ${errors[0]!.detail}` : `${invalidLines} lines are invalid`);
  }
}

/** Books written by one import, so a failed import can take back exactly what it added. */
class BookWriter {
  readonly created: string[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly env: Env) {}

  get count(): number {
    return this.seen.size;
  }

  /** Stores the book once (content-addressed) and returns its key. */
  async put(context: string): Promise<string> {
    const bytes = new TextEncoder().encode(context);
    const key = `books/${await sha256Hex(bytes)}.txt`;
    if (this.seen.has(key)) return key;
    this.seen.set(key, context.length);
    if (!(await this.env.BLOBS.head(key))) {
      await this.env.BLOBS.put(key, bytes, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
      this.created.push(key);
    }
    return key;
  }

  /**
   * Deletes the books this import created, unless a stored question uses them. (A concurrent import
   * that found the same book already present and has not committed yet would lose it: a narrow race
   * we accept; its probes then fail with "book … is no longer available" and a re-import restores it.)
   */
  async discard(): Promise<void> {
    for (const key of this.created) if (!(await bookInUse(this.env.DB, key))) await this.env.BLOBS.delete(key);
    this.created.length = 0;
  }
}

/** The lines of one upload checked one by one: the questions so far, and what is wrong with the file. */
class QuestionCollector {
  readonly questions: NewQuestion[] = [];
  readonly errors: LineError[] = [];
  invalidLines = 0;
  private readonly firstLineOfId = new Map<string, number>();

  constructor(
    private readonly task: BookQaTask,
    readonly books: BookWriter,
  ) {}

  note(line: number, detail: string): void {
    this.invalidLines++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, detail });
  }

  async take(line: NdjsonLine): Promise<void> {
    if ("problem" in line) return this.note(line.number, line.problem);
    if (line.text.trim() === "") return;
    const verdict = parseInfiniteBenchLine(line.text, this.task);
    if (!verdict.ok) return this.note(line.number, verdict.detail);
    const { question } = verdict;
    const earlier = this.firstLineOfId.get(question.id);
    if (earlier !== undefined) return this.note(line.number, `id: ${question.id} is already used on line ${earlier}`);
    this.firstLineOfId.set(question.id, line.number);
    if (this.questions.length >= MAX_DATASET_QUESTIONS) return this.note(line.number, `a dataset holds at most ${MAX_DATASET_QUESTIONS} questions`);
    // Once the import is refused, keep validating (to report more lines) but store nothing more.
    if (this.invalidLines > 0) return;
    const book = await this.books.put(question.context);
    const { id, input, answer, options } = question;
    this.questions.push({ position: this.questions.length, id, input, answer, options, book, chars: question.context.length });
  }
}

export interface DatasetImport {
  task: BookQaTask;
  name: string;
  /** The importing account, and whether every account may use the dataset. */
  accountId: string;
  public: boolean;
  body: ReadableStream<Uint8Array>;
  /** Stop reading and refuse the upload past this many bytes. */
  maxBytes: number;
}

/** Streams an InfiniteBench JSON-lines file into a new dataset (see the top of this file). */
export async function importDataset(env: Env, upload: DatasetImport, now = Date.now()): Promise<BookQaDatasetRow> {
  const hash = new StreamingSha256();
  let bytes = 0;
  const collector = new QuestionCollector(upload.task, new BookWriter(env));
  try {
    const onBytes = (chunk: Uint8Array) => {
      bytes += chunk.length;
      return hash.update(chunk);
    };
    for await (const line of ndjsonLines(upload.body, { maxLineBytes: MAX_LINE_BYTES, onBytes })) {
      // Stop reading at once; the books stored so far are discarded below.
      if (bytes > upload.maxBytes) throw new DatasetTooLargeError(upload.maxBytes);
      await collector.take(line);
    }
    if (bytes > upload.maxBytes) throw new DatasetTooLargeError(upload.maxBytes);
    if (collector.invalidLines === 0 && collector.questions.length === 0) collector.note(0, "the file holds no questions");
    if (collector.invalidLines > 0) throw new DatasetImportError(collector.errors, collector.invalidLines);
    const { questions } = collector;
    const row: BookQaDatasetRow = {
      id: newId("ds", 12),
      name: upload.name,
      task: upload.task,
      revision: await hash.hex(),
      questions: questions.length,
      books: collector.books.count,
      bytes,
      createdAt: now,
      accountId: upload.accountId,
      public: upload.public ? 1 : 0,
      subjects: null,
      shotsFrom: null,
    };
    await insertDataset(env.DB, row, questions);
    return row;
  } catch (error) {
    await collector.books.discard();
    throw error;
  }
}
