// Book QA datasets: the built-in ones ship with the Worker; imported InfiniteBench files are streamed
// in line by line — books (contexts) to R2, deduplicated by content hash; questions to D1 — and are
// immutable afterwards (a re-import is a new id), so a run's recipe can always be rebuilt.
import { asc, desc, eq } from "drizzle-orm";
import { bookqaDatasets, bookqaQuestions, type BookQaDatasetRow } from "../db/schema";
import type { BookQaTask } from "../probes/bookqa";
import {
  BUILTIN_BOOKQA_DATASETS,
  builtinBook,
  builtinBookQaDataset,
  isBuiltinBookQaDatasetId,
  type BookQaDatasetInfo,
  type BookQaItem,
  type LoadedBookQaDataset,
} from "../probes/suites/bookqa-datasets";
import { parseInfiniteBenchLine } from "../probes/suites/infinitebench";
import { ndjsonLines } from "./ndjson";
import { Sha256 } from "./sha256";
import { database } from "../lifecycle/store";

/** More questions than any InfiniteBench task (351); keeps one import's D1 batch small. */
export const MAX_DATASET_QUESTIONS = 5000;
/** A line holds a whole book (~1–2 MB in InfiniteBench); anything far beyond is not a book. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const MAX_REPORTED_ERRORS = 20;
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

interface PendingQuestion {
  position: number;
  id: string;
  input: string;
  answer: string[];
  options: string[];
  book: string;
  chars: number;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function newDatasetId(): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `ds_${Date.now().toString(36)}${Array.from(random, (b) => b.toString(36).padStart(2, "0")).join("").slice(0, 12)}`;
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
    for (const key of this.created) {
      const used = await this.env.DB.prepare("SELECT 1 FROM bookqa_questions WHERE book_key = ? LIMIT 1").bind(key).first();
      if (!used) await this.env.BLOBS.delete(key);
    }
    this.created.length = 0;
  }
}

// D1 binds at most 100 parameters per statement: one JSON parameter carries many rows instead.
const INSERT_QUESTIONS = `INSERT INTO bookqa_questions
  (dataset_id, position, question_id, input, answer_json, options_json, book_key, book_chars)
  SELECT ?1, json_extract(value, '$.position'), json_extract(value, '$.id'), json_extract(value, '$.input'),
         json_extract(value, '$.answer'), json_extract(value, '$.options'), json_extract(value, '$.book'), json_extract(value, '$.chars')
  FROM json_each(?2)`;
const MAX_JSON_CHARS_PER_STATEMENT = 512 * 1024;

function questionChunks(questions: PendingQuestion[]): string[] {
  const chunks: string[] = [];
  let rows: string[] = [];
  let size = 0;
  for (const question of questions) {
    const row = JSON.stringify(question);
    if (rows.length > 0 && size + row.length > MAX_JSON_CHARS_PER_STATEMENT) {
      chunks.push(`[${rows.join(",")}]`);
      rows = [];
      size = 0;
    }
    rows.push(row);
    size += row.length + 1;
  }
  if (rows.length) chunks.push(`[${rows.join(",")}]`);
  return chunks;
}

export interface DatasetImport {
  task: BookQaTask;
  name: string;
  body: ReadableStream<Uint8Array>;
  /** Stop reading and refuse the upload past this many bytes. */
  maxBytes: number;
}

/**
 * Streams an InfiniteBench JSON-lines file into a new dataset. The body is never held whole: it is
 * hashed (the revision) and split into lines as it arrives; each line's book goes to R2 at once and
 * its question is kept in memory (small) until the whole file has validated, then every D1 row is
 * written in one batch. Any invalid line refuses the import and removes the books it added.
 */
export async function importDataset(env: Env, upload: DatasetImport, now = Date.now()): Promise<BookQaDatasetRow> {
  const hash = new Sha256();
  let bytes = 0;
  const errors: LineError[] = [];
  let invalidLines = 0;
  const note = (line: number, detail: string) => {
    invalidLines++;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, detail });
  };
  const questions: PendingQuestion[] = [];
  const firstLineOfId = new Map<string, number>();
  const books = new BookWriter(env);

  try {
    const lines = ndjsonLines(upload.body, {
      maxLineBytes: MAX_LINE_BYTES,
      onBytes: (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      },
    });
    for await (const line of lines) {
      // Stop reading at once; the books stored so far are discarded below.
      if (bytes > upload.maxBytes) throw new DatasetTooLargeError(upload.maxBytes);
      if ("problem" in line) {
        note(line.number, line.problem);
        continue;
      }
      if (line.text.trim() === "") continue;
      const verdict = parseInfiniteBenchLine(line.text, upload.task);
      if (!verdict.ok) {
        note(line.number, verdict.detail);
        continue;
      }
      const { question } = verdict;
      const earlier = firstLineOfId.get(question.id);
      if (earlier !== undefined) {
        note(line.number, `id: ${question.id} is already used on line ${earlier}`);
        continue;
      }
      firstLineOfId.set(question.id, line.number);
      if (questions.length >= MAX_DATASET_QUESTIONS) {
        note(line.number, `a dataset holds at most ${MAX_DATASET_QUESTIONS} questions`);
        continue;
      }
      // Once the import is refused, keep validating (to report more lines) but store nothing more.
      if (invalidLines > 0) continue;
      const book = await books.put(question.context);
      questions.push({
        position: questions.length,
        id: question.id,
        input: question.input,
        answer: question.answer,
        options: question.options,
        book,
        chars: question.context.length,
      });
    }
    if (bytes > upload.maxBytes) throw new DatasetTooLargeError(upload.maxBytes);
    if (invalidLines === 0 && questions.length === 0) note(0, "the file holds no questions");
    if (invalidLines > 0) throw new DatasetImportError(errors, invalidLines);

    const row: BookQaDatasetRow = {
      id: newDatasetId(),
      name: upload.name,
      task: upload.task,
      revision: hash.hex(),
      questions: questions.length,
      books: books.count,
      bytes,
      createdAt: now,
    };
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO bookqa_datasets (id, name, task, revision, questions, books, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ).bind(row.id, row.name, row.task, row.revision, row.questions, row.books, row.bytes, row.createdAt),
      ...questionChunks(questions).map((chunk) => env.DB.prepare(INSERT_QUESTIONS).bind(row.id, chunk)),
    ]);
    return row;
  } catch (error) {
    await books.discard();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading datasets and books (per-isolate caches are safe: both are immutable).

export function importedInfo(row: BookQaDatasetRow): BookQaDatasetInfo {
  return {
    id: row.id,
    name: row.name,
    task: row.task,
    revision: row.revision,
    builtin: false,
    questions: row.questions,
    books: row.books,
    bytes: row.bytes,
    description: null,
    created_at: row.createdAt,
  };
}

const MAX_CACHED_DATASETS = 16;
const datasets = new Map<string, LoadedBookQaDataset>();

async function loadImported(env: Env, id: string): Promise<LoadedBookQaDataset | null> {
  const cached = datasets.get(id);
  if (cached) return cached;
  const db = database(env.DB);
  const row = await db.select().from(bookqaDatasets).where(eq(bookqaDatasets.id, id)).get();
  if (!row) return null;
  const rows = await db.select().from(bookqaQuestions).where(eq(bookqaQuestions.datasetId, id)).orderBy(asc(bookqaQuestions.position)).all();
  const items: BookQaItem[] = rows.map((q) => ({
    id: q.questionId,
    input: q.input,
    answer: JSON.parse(q.answerJson) as string[],
    options: JSON.parse(q.optionsJson) as string[],
    book: q.bookKey,
    book_chars: q.bookChars,
  }));
  const loaded = { info: importedInfo(row), items };
  datasets.set(id, loaded);
  if (datasets.size > MAX_CACHED_DATASETS) datasets.delete(datasets.keys().next().value!);
  return loaded;
}

/** A dataset with its first `limit` questions (all by default), or null. */
export async function loadBookQaDataset(env: Env, id: string, limit?: number): Promise<LoadedBookQaDataset | null> {
  if (isBuiltinBookQaDatasetId(id)) return builtinBookQaDataset(id, limit);
  const loaded = await loadImported(env, id);
  if (!loaded) return null;
  return limit === undefined ? loaded : { info: loaded.info, items: loaded.items.slice(0, limit) };
}

const MAX_CACHED_BOOKS = 4;
const bookTexts = new Map<string, Promise<string | null>>();

/** A book's text by its reference (an R2 key or the built-in book's pinned reference). */
export function loadBook(env: Env, ref: string): Promise<string | null> {
  if (!ref.startsWith("books/")) return Promise.resolve(builtinBook(ref));
  let pending = bookTexts.get(ref);
  if (!pending) {
    // One read per isolate even when several probes of the same book start together.
    pending = env.BLOBS.get(ref).then((object) => (object ? object.text() : null));
    bookTexts.set(ref, pending);
    pending.then(
      (text) => text === null && bookTexts.delete(ref),
      () => bookTexts.delete(ref),
    );
    while (bookTexts.size > MAX_CACHED_BOOKS) bookTexts.delete(bookTexts.keys().next().value!);
  }
  return pending;
}

export function builtinDatasetInfos(): BookQaDatasetInfo[] {
  return BUILTIN_BOOKQA_DATASETS.map((d) => builtinBookQaDataset(d.id)!.info);
}

export async function listImportedDatasets(env: Env): Promise<BookQaDatasetRow[]> {
  return database(env.DB).select().from(bookqaDatasets).orderBy(desc(bookqaDatasets.createdAt)).limit(500).all();
}

export async function getDatasetInfo(env: Env, id: string): Promise<BookQaDatasetInfo | null> {
  if (isBuiltinBookQaDatasetId(id)) return builtinBookQaDataset(id, 0)!.info;
  const row = await database(env.DB).select().from(bookqaDatasets).where(eq(bookqaDatasets.id, id)).get();
  return row ? importedInfo(row) : null;
}
