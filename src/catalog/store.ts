// D1 access to the catalog: uploaded corpora (their text lives in R2), imported book QA datasets
// with their questions (their books live in R2, shared by content hash) and imported multiple-choice
// datasets with theirs. Both kinds of dataset share bookqa_datasets; their questions have a table each.
import { asc, desc, eq, or, sql, type SQL } from "drizzle-orm";
import type { Viewer } from "./access";
import { database } from "../db/database";
import {
  bookqaDatasets,
  bookqaQuestions,
  corpora,
  mcQuestions,
  type BookQaDatasetRow,
  type BookQaQuestionRow,
  type CorpusRow,
  type McQuestionRow,
} from "../db/schema";

export async function insertCorpus(d1: D1Database, row: CorpusRow): Promise<void> {
  await database(d1).insert(corpora).values(row);
}

export async function getCorpusRow(d1: D1Database, id: string): Promise<CorpusRow | undefined> {
  return database(d1).select().from(corpora).where(eq(corpora.id, id)).get();
}

/** Rows a viewer may use: public ones and the viewer's own (the admin: all). */
function visibleTo(viewer: Viewer, table: typeof corpora | typeof bookqaDatasets): SQL | undefined {
  if (viewer?.admin) return undefined;
  return viewer ? or(eq(table.public, 1), eq(table.accountId, viewer.accountId)) : eq(table.public, 1);
}

export async function listCorpusRows(d1: D1Database, viewer: Viewer): Promise<CorpusRow[]> {
  return database(d1).select().from(corpora).where(visibleTo(viewer, corpora)).orderBy(desc(corpora.createdAt)).limit(500).all();
}

export async function getDatasetRow(d1: D1Database, id: string): Promise<BookQaDatasetRow | undefined> {
  return database(d1).select().from(bookqaDatasets).where(eq(bookqaDatasets.id, id)).get();
}

export async function listDatasetRows(d1: D1Database, viewer: Viewer): Promise<BookQaDatasetRow[]> {
  return database(d1).select().from(bookqaDatasets).where(visibleTo(viewer, bookqaDatasets)).orderBy(desc(bookqaDatasets.createdAt)).limit(500).all();
}

/** What an account has stored: its corpora's characters plus its datasets' file bytes. */
export async function storedBytes(d1: D1Database, accountId: string): Promise<number> {
  const db = database(d1);
  const [corpusChars, datasetBytes] = await db.batch([
    db.select({ n: sql<number>`coalesce(sum(${corpora.characters}), 0)` }).from(corpora).where(eq(corpora.accountId, accountId)),
    db.select({ n: sql<number>`coalesce(sum(${bookqaDatasets.bytes}), 0)` }).from(bookqaDatasets).where(eq(bookqaDatasets.accountId, accountId)),
  ]);
  return (corpusChars[0]?.n ?? 0) + (datasetBytes[0]?.n ?? 0);
}

/** The dataset's questions in file order. */
export async function datasetQuestions(d1: D1Database, datasetId: string): Promise<BookQaQuestionRow[]> {
  return database(d1).select().from(bookqaQuestions).where(eq(bookqaQuestions.datasetId, datasetId)).orderBy(asc(bookqaQuestions.position)).all();
}

/** Whether any stored question is about this book (a failed import keeps the books others use). */
export async function bookInUse(d1: D1Database, bookKey: string): Promise<boolean> {
  return (await database(d1).select({ key: bookqaQuestions.bookKey }).from(bookqaQuestions).where(eq(bookqaQuestions.bookKey, bookKey)).limit(1).get()) !== undefined;
}

// D1 binds at most 100 parameters per statement: one JSON parameter carries many question rows instead.
const INSERT_QUESTIONS = `INSERT INTO bookqa_questions
  (dataset_id, position, question_id, input, answer_json, options_json, book_key, book_chars)
  SELECT ?1, json_extract(value, '$.position'), json_extract(value, '$.id'), json_extract(value, '$.input'),
         json_extract(value, '$.answer'), json_extract(value, '$.options'), json_extract(value, '$.book'), json_extract(value, '$.chars')
  FROM json_each(?2)`;
const MAX_JSON_CHARS_PER_STATEMENT = 512 * 1024;

/** A question of an import as it is written: its fields by the names INSERT_QUESTIONS reads. */
export interface NewQuestion {
  position: number;
  id: string;
  input: string;
  answer: string[];
  options: string[];
  book: string;
  chars: number;
}

/** The rows as JSON arrays of at most MAX_JSON_CHARS_PER_STATEMENT characters, one per INSERT … json_each(?). */
function jsonChunks(questions: readonly object[]): string[] {
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

function datasetInsert(d1: D1Database, row: BookQaDatasetRow): D1PreparedStatement {
  return d1
    .prepare(
      "INSERT INTO bookqa_datasets (id, name, task, revision, questions, books, bytes, created_at, account_id, public, subjects, shots_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.id, row.name, row.task, row.revision, row.questions, row.books, row.bytes, row.createdAt, row.accountId, row.public, row.subjects, row.shotsFrom);
}

/** Writes a dataset and all its questions in one batch: all or nothing. */
export async function insertDataset(d1: D1Database, row: BookQaDatasetRow, questions: NewQuestion[]): Promise<void> {
  await d1.batch([datasetInsert(d1, row), ...jsonChunks(questions).map((chunk) => d1.prepare(INSERT_QUESTIONS).bind(row.id, chunk))]);
}

const INSERT_MC_QUESTIONS = `INSERT INTO mc_questions (dataset_id, position, subject, split, question, choices_json, answer)
  SELECT ?1, json_extract(value, '$.position'), json_extract(value, '$.subject'), json_extract(value, '$.split'),
         json_extract(value, '$.question'), json_extract(value, '$.choices'), json_extract(value, '$.answer')
  FROM json_each(?2)`;

/** A multiple-choice question as it is written: its fields by the names INSERT_MC_QUESTIONS reads. */
export interface NewMcQuestion {
  position: number;
  subject: string;
  split: "dev" | "test";
  question: string;
  choices: [string, string, string, string];
  answer: number;
}

/** Writes a multiple-choice dataset and all its questions in one batch: all or nothing. */
export async function insertMcDataset(d1: D1Database, row: BookQaDatasetRow, questions: NewMcQuestion[]): Promise<void> {
  await d1.batch([datasetInsert(d1, row), ...jsonChunks(questions).map((chunk) => d1.prepare(INSERT_MC_QUESTIONS).bind(row.id, chunk))]);
}

/** The multiple-choice dataset's questions (dev and asked) in dataset order. */
export async function mcDatasetQuestions(d1: D1Database, datasetId: string): Promise<McQuestionRow[]> {
  return database(d1).select().from(mcQuestions).where(eq(mcQuestions.datasetId, datasetId)).orderBy(asc(mcQuestions.position)).all();
}
