// D1 schema of the catalog (drizzle): uploaded corpora and imported datasets, book QA and multiple
// choice. Part of ./schema.ts (re-exported there, where drizzle-kit reads it).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Haystack corpora uploaded by operators; the joined text lives in R2 under `r2Key`. */
export const corpora = sqliteTable("corpora", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** First 16 hex digits of the SHA-256 of the joined text: recipes pin it. */
  version: text("version").notNull(),
  files: integer("files").notNull(),
  characters: integer("characters").notNull(),
  r2Key: text("r2_key").notNull(),
  createdAt: integer("created_at").notNull(),
  /** The uploading account; only it (and the admin) sees a private corpus. */
  accountId: text("account_id"),
  /** 1: visible to every account; 0 (default): the uploader's only. */
  public: integer("public").notNull().default(0),
});

export type CorpusRow = typeof corpora.$inferSelect;

/**
 * Imported datasets: book QA (InfiniteBench longbook_qa_eng / longbook_choice_eng files, questions in
 * bookqa_questions) and multiple-choice (`mmlu`: MMLU-format files, questions in mc_questions).
 * Immutable: a re-import is a new id, so runs that pin a dataset's revision can always be rebuilt.
 */
export const bookqaDatasets = sqliteTable("bookqa_datasets", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  task: text("task", { enum: ["longbook_qa_eng", "longbook_choice_eng", "mmlu", "ruler_squad", "ruler_hotpotqa"] }).notNull(),
  /** SHA-256 (hex) of the uploaded file. */
  revision: text("revision").notNull(),
  questions: integer("questions").notNull(),
  /** Book QA: distinct books (contexts) among the questions; 0 for mmlu; RULER QA (ruler_squad, ruler_hotpotqa): its documents (the set itself lives in R2). For mmlu `questions` counts the asked ones only. */
  books: integer("books").notNull(),
  bytes: integer("bytes").notNull(),
  createdAt: integer("created_at").notNull(),
  /** The importing account; only it (and the admin) sees a private dataset. */
  accountId: text("account_id"),
  /** 1: visible to every account; 0 (default): the importer's only. */
  public: integer("public").notNull().default(0),
  /** mmlu only (null for book QA): distinct subjects. */
  subjects: integer("subjects"),
  /** mmlu only: "dev" when every subject's few-shot pool is its dev rows; "first_items" when some subject lent its first questions. */
  shotsFrom: text("shots_from", { enum: ["dev", "first_items"] }),
});

/** One question of an imported dataset, in file order; its book lives in R2 under `bookKey`. */
export const bookqaQuestions = sqliteTable(
  "bookqa_questions",
  {
    datasetId: text("dataset_id").notNull(),
    /** 0-based position in the file (blank lines skipped): the dataset's stable order. */
    position: integer("position").notNull(),
    /** The line's own `id`, as text. */
    questionId: text("question_id").notNull(),
    input: text("input").notNull(),
    /** Gold answers, or [optionText, letter] for multiple choice. */
    answer: text("answer_json", { mode: "json" }).$type<string[]>().notNull(),
    /** The four options (multiple choice) or []. */
    options: text("options_json", { mode: "json" }).$type<string[]>().notNull(),
    /** `books/<sha256 of the context>.txt`: shared by every question about the same book. */
    bookKey: text("book_key").notNull(),
    bookChars: integer("book_chars").notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.position] }), index("bookqa_questions_book").on(t.bookKey)],
);

export type BookQaDatasetRow = typeof bookqaDatasets.$inferSelect;
export type BookQaQuestionRow = typeof bookqaQuestions.$inferSelect;

/** One question of an imported multiple-choice (mmlu) dataset, in dataset order. */
export const mcQuestions = sqliteTable(
  "mc_questions",
  {
    datasetId: text("dataset_id").notNull(),
    /** 0-based position in the file (blank lines skipped), dev and asked rows alike: the dataset's stable order. */
    position: integer("position").notNull(),
    subject: text("subject").notNull(),
    /** Its role, fixed at import: "dev" = few-shot pool (the file's dev rows, or a subject's first 5 when it has none), "test" = asked. */
    split: text("split", { enum: ["dev", "test"] }).notNull(),
    question: text("question").notNull(),
    /** The four options, as a JSON array. */
    choices: text("choices_json", { mode: "json" }).$type<[string, string, string, string]>().notNull(),
    /** Index of the right option, 0–3. */
    answer: integer("answer").notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.position] })],
);

export type McQuestionRow = typeof mcQuestions.$inferSelect;
