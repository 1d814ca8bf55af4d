// D1 access to the catalog: uploaded corpora (their text lives in R2) and imported book QA datasets
// with their questions (their books live in R2, shared by content hash).
import { asc, desc, eq } from "drizzle-orm";
import { database } from "../db/database";
import { bookqaDatasets, bookqaQuestions, corpora, type BookQaDatasetRow, type BookQaQuestionRow, type CorpusRow } from "../db/schema";

export async function insertCorpus(d1: D1Database, row: CorpusRow): Promise<void> {
  await database(d1).insert(corpora).values(row);
}

export async function getCorpusRow(d1: D1Database, id: string): Promise<CorpusRow | undefined> {
  return database(d1).select().from(corpora).where(eq(corpora.id, id)).get();
}

export async function listCorpusRows(d1: D1Database): Promise<CorpusRow[]> {
  return database(d1).select().from(corpora).orderBy(desc(corpora.createdAt)).limit(500).all();
}

export async function getDatasetRow(d1: D1Database, id: string): Promise<BookQaDatasetRow | undefined> {
  return database(d1).select().from(bookqaDatasets).where(eq(bookqaDatasets.id, id)).get();
}

export async function listDatasetRows(d1: D1Database): Promise<BookQaDatasetRow[]> {
  return database(d1).select().from(bookqaDatasets).orderBy(desc(bookqaDatasets.createdAt)).limit(500).all();
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

function questionChunks(questions: NewQuestion[]): string[] {
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

/** Writes a dataset and all its questions in one batch: all or nothing. */
export async function insertDataset(d1: D1Database, row: BookQaDatasetRow, questions: NewQuestion[]): Promise<void> {
  await d1.batch([
    d1
      .prepare("INSERT INTO bookqa_datasets (id, name, task, revision, questions, books, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(row.id, row.name, row.task, row.revision, row.questions, row.books, row.bytes, row.createdAt),
    ...questionChunks(questions).map((chunk) => d1.prepare(INSERT_QUESTIONS).bind(row.id, chunk)),
  ]);
}
