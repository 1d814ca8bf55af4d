// D1 schema (drizzle). Migrations in migrations/ are generated from this file by drizzle-kit
// and applied by wrangler. D1 is the source of truth for every run: queues only carry ids.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed", "cancelled"] }).notNull(),
    modelName: text("model_name").notNull(),
    /** The submitted model config without its api_key (JSON). */
    modelJson: text("model_json").notNull(),
    /** Bearer token sent upstream. Never returned by the API. */
    apiKey: text("api_key"),
    /** 1 when base_url is this service's own /reference/v1: calls are routed inside the Worker. */
    internalEndpoint: integer("internal_endpoint").notNull().default(0),
    /** 1 when the model is one of the built-in reference baselines. */
    reference: integer("reference").notNull().default(0),
    /** Resolved suites (grid, corpus, tokenizer...): the recipe every prompt is rebuilt from (JSON). */
    suitesJson: text("suites_json").notNull(),
    public: integer("public").notNull().default(1),
    total: integer("total").notNull(),
    /** Settled probes (scored + unscorable + failed). */
    done: integer("done").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    unscorable: integer("unscorable").notNull().default(0),
    /** Probes whose reported prompt_tokens disagreed with ours by more than 1 %. */
    tokenMismatches: integer("token_mismatches").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    /** Prompt tokens the endpoint reported as served from its prefix cache. */
    cachedTokens: integer("cached_tokens").notNull().default(0),
    /** Per-suite aggregates computed by the finalizer (JSON). */
    resultsJson: text("results_json"),
    error: text("error"),
    /** How many times the finalizer ran for this run; exactly-once is asserted by tests. */
    finalizeCount: integer("finalize_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    lastProgressAt: integer("last_progress_at").notNull(),
    idempotencyKey: text("idempotency_key"),
    requestSha256: text("request_sha256"),
    /** A checkpoint series (e.g. llama2-7b-80k) and this run's place in it. */
    series: text("series"),
    step: integer("step"),
    tokensTrained: integer("tokens_trained"),
    /** Set by the finalizer when the run scores worse than the previous step of its series (JSON). */
    regressionJson: text("regression_json"),
  },
  (t) => [
    index("runs_status_progress").on(t.status, t.lastProgressAt),
    index("runs_board").on(t.public, t.status, t.finishedAt),
    index("runs_created").on(t.createdAt),
    index("runs_idempotency").on(t.idempotencyKey),
    index("runs_series").on(t.series, t.step),
  ],
);

export const probes = sqliteTable(
  "probes",
  {
    runId: text("run_id").notNull(),
    idx: integer("idx").notNull(),
    suiteIndex: integer("suite_index").notNull(),
    suiteType: text("suite_type").notNull(),
    contextLength: integer("context_length"),
    depthPercent: integer("depth_percent"),
    /** Dataset suites (book QA): the question's position in the run's frozen question list. */
    item: integer("item"),
    status: text("status", { enum: ["pending", "scored", "unscorable", "failed", "cancelled"] }).notNull(),
    /** When the probe was last handed to the queue; null = not yet dispatched. */
    dispatchedAt: integer("dispatched_at"),
    /** The sweeper re-dispatches a pending probe whose lease has run out. */
    leaseUntil: integer("lease_until"),
    attempts: integer("attempts").notNull().default(0),
    /** Tokens of haystack + needle as built, in the run's tokenizer. */
    constructedTokens: integer("constructed_tokens"),
    /** Tokens the whole prompt should have in the run's tokenizer (constructed + template). */
    expectedPromptTokens: integer("expected_prompt_tokens"),
    /** usage.prompt_tokens reported by the endpoint. */
    promptTokens: integer("prompt_tokens"),
    /** usage.prompt_tokens_details.cached_tokens: served from the endpoint's prefix cache. */
    cachedTokens: integer("cached_tokens"),
    /** 1 when the reported count is off the expected one by more than 1 %: wrong tokenizer? */
    tokenMismatch: integer("token_mismatch").notNull().default(0),
    completionTokens: integer("completion_tokens"),
    latencyMs: integer("latency_ms"),
    /** Time to first token when the reply was streamed. */
    ttftMs: integer("ttft_ms"),
    finishReason: text("finish_reason"),
    response: text("response"),
    scoresJson: text("scores_json"),
    promptSha256: text("prompt_sha256"),
    error: text("error"),
    settledAt: integer("settled_at"),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.idx] }),
    index("probes_run_status").on(t.runId, t.status),
  ],
);

export type RunRow = typeof runs.$inferSelect;
export type ProbeRow = typeof probes.$inferSelect;
export const nowMs = sql`(unixepoch('subsec') * 1000)`;

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
});

export type CorpusRow = typeof corpora.$inferSelect;

/**
 * Imported book QA datasets (InfiniteBench longbook_qa_eng / longbook_choice_eng files). Immutable:
 * a re-import is a new id, so runs that pin a dataset's revision can always be rebuilt.
 */
export const bookqaDatasets = sqliteTable("bookqa_datasets", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  task: text("task", { enum: ["longbook_qa_eng", "longbook_choice_eng"] }).notNull(),
  /** SHA-256 (hex) of the uploaded file. */
  revision: text("revision").notNull(),
  questions: integer("questions").notNull(),
  /** Distinct books (contexts) among the questions. */
  books: integer("books").notNull(),
  bytes: integer("bytes").notNull(),
  createdAt: integer("created_at").notNull(),
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
    /** JSON array: gold answers, or [optionText, letter] for multiple choice. */
    answerJson: text("answer_json").notNull(),
    /** JSON array: the four options (multiple choice) or []. */
    optionsJson: text("options_json").notNull(),
    /** `books/<sha256 of the context>.txt`: shared by every question about the same book. */
    bookKey: text("book_key").notNull(),
    bookChars: integer("book_chars").notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.position] }), index("bookqa_questions_book").on(t.bookKey)],
);

export type BookQaDatasetRow = typeof bookqaDatasets.$inferSelect;
export type BookQaQuestionRow = typeof bookqaQuestions.$inferSelect;
