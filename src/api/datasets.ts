// /v1/datasets: the question sets suites ask — built-in ones, imported InfiniteBench files (book QA)
// and imported MMLU-format files (multiple choice).
import { createRoute, z } from "@hono/zod-openapi";
import { datasetInfo, importDatasetFile, listDatasets } from "../catalog/catalog";
import { MAX_DATASET_QUESTIONS } from "../catalog/dataset-import";
import { MAX_MC_DATASET_BYTES, MAX_MC_DATASET_QUESTIONS } from "../catalog/mc-import";
import { DATASET_TASKS, DatasetInfo, MC_TASK } from "../contract/catalog";
import { requirePrincipal, tokenRequired, TOKEN_OPTIONAL, TOKEN_REQUIRED } from "../http/auth";
import { problem, ProblemError } from "../http/problem";
import { createRouter, problemResponses } from "./router";

export const datasetsApi = createRouter();

const NDJSON = "application/x-ndjson";
/** Media types JSON-lines files are sent with in the wild; all mean the same here. */
const JSON_LINES_TYPES = [NDJSON, "application/jsonl", "application/x-jsonlines", "application/jsonlines", "application/json-lines"];
const CSV = "text/csv";

const DatasetIdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" }, example: "moby-dick-qa" }) });

const IMPORT_DESCRIPTION =
  "Streams a file into a new dataset; it is read as it arrives, never buffered whole. The file's SHA-256 is the dataset's " +
  "`revision` (runs pin it). Any malformed line refuses the import (422, `errors[].pointer` = `/lines/<line number>`, the first " +
  "20 listed) and nothing of it is kept. Private to the importing account unless `public=true`. Needs a token.\n\n" +
  "**Book QA** (`task=longbook_qa_eng|longbook_choice_eng`): JSON lines in InfiniteBench's schema (one `{id, context, input, answer, options}` " +
  "per line; e.g. `longbook_qa_eng.jsonl` or `longbook_choice_eng.jsonl`), sent as `application/x-ndjson`; select it in a book QA " +
  `suite with \`"dataset": "<id>"\`. Books are stored once however many questions share them. At most ${MAX_DATASET_QUESTIONS} questions.\n\n` +
  "**Multiple choice** (`task=mmlu`, for the mmlu suite) in either of two forms:\n" +
  '- JSON lines (`application/x-ndjson`): one `{"question", "subject", "choices": [4 strings], "answer": 0–3 or "A"–"D", "split"?}` per ' +
  "line, as HF `cais/mmlu` rows are exported (other 4-choice sets in that shape, e.g. ARC, work unchanged). Rows whose `split` is " +
  '`"dev"` are their subject\'s few-shot pool; all others are asked.\n' +
  "- CSV (`text/csv`): one of MMLU's original files, records `question,A,B,C,D,answer-letter`, no header, RFC 4180 quoting (a quoted " +
  "field may hold commas, doubled quotes and line breaks; errors point at a record's first line). `file_name` is required: it gives " +
  "the subject and split (`abstract_algebra_test.csv` → subject `abstract_algebra`; `_dev` files are few-shot pools, `_val` and `_test` asked).\n\n" +
  "A subject with no dev rows takes its **first 5 questions** as its few-shot pool; they are not asked, and the dataset says " +
  '`shots_from: "first_items"` (else `"dev"`). Such a subject needs more than 5 questions. ' +
  `At most ${MAX_MC_DATASET_QUESTIONS} questions asked and ${MAX_MC_DATASET_BYTES / (1024 * 1024)} MiB per file (MMLU's 14,042 test questions fit). ` +
  "Refused: other than 4 choices, a non-string choice, an answer outside 0–3 / A–D, a missing or empty question or (JSON lines) subject, " +
  "malformed JSON or CSV, no questions to ask.\n\n" +
  "**RULER QA** (`task=ruler_squad|ruler_hotpotqa`, for the ruler suite's qa_1 / qa_2): one JSON document sent as `application/json`, as RULER " +
  "reads it — SQuAD's `dev-v2.0.json` (`{data: [{paragraphs: [{context, qas: [{question, answers: [{text}], is_impossible}]}]}]}`; impossible " +
  "questions are skipped) or HotpotQA's `hotpot_dev_distractor_v1.json` (`[{question, answer, context: [[title, [sentences]]]}]`). The first " +
  "2,000 questions are kept (RULER asks the first `samples`), with every SQuAD paragraph, or the HotpotQA paragraphs those questions carry. " +
  "A malformed article or item is named as `/lines/<its number>`.";

datasetsApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/datasets",
    summary: "Import an InfiniteBench long-book file or an MMLU-format multiple-choice file",
    description: IMPORT_DESCRIPTION,
    security: TOKEN_REQUIRED,
    middleware: [tokenRequired] as const,
    request: {
      query: z.object({
        task: z.enum(DATASET_TASKS).openapi({
          description:
            "longbook_qa_eng (short answer, En.QA), longbook_choice_eng (multiple choice, En.MC), mmlu (MMLU-format four-option questions, JSON lines or CSV), " +
            "ruler_squad or ruler_hotpotqa (RULER's qa_1 / qa_2 sources, one JSON document).",
        }),
        name: z.string().trim().min(1).max(100).optional().openapi({ description: "A label; default the task name.", example: "infinitebench-en-qa" }),
        public: z.enum(["true", "false"]).optional().openapi({ description: "true: every account may use it; default only the importing account (and the admin)." }),
        file_name: z.string().trim().min(1).max(255).optional().openapi({
          description: "mmlu CSV only, and required there: the file's name, `<subject>_<dev|val|test>.csv` as MMLU ships them.",
          example: "abstract_algebra_test.csv",
        }),
      }),
      body: {
        // CSV (task=mmlu) and JSON (task=ruler_squad / ruler_hotpotqa) are accepted as well and described above; the body is
        // read raw (streamed), so JSON is not declared: declaring it would make the router parse and hold the whole file.
        content: {
          [NDJSON]: { schema: z.string().openapi({ format: "binary", description: "JSON lines (book QA or mmlu)" }) },
          "text/csv": { schema: z.string().openapi({ format: "binary", description: "task=mmlu: one of MMLU's CSV files, with ?file_name=" }) },
        },
        required: true,
      },
    },
    responses: {
      201: { description: "The imported dataset", content: { "application/json": { schema: DatasetInfo } } },
      ...problemResponses(401, 413, 415, 422),
    },
  }),
  async (c) => {
    const { task, name, public: isPublic, file_name: fileName } = c.req.valid("query");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const csv = type === CSV && task === MC_TASK;
    const rulerQa = task === "ruler_squad" || task === "ruler_hotpotqa";
    if (rulerQa ? type !== "application/json" : !csv && !JSON_LINES_TYPES.includes(type)) {
      const accepted = rulerQa ? "application/json" : task === MC_TASK ? `${NDJSON} or ${CSV}` : NDJSON;
      throw new ProblemError(problem("unsupported-media-type", 415, `send the file as ${accepted} (got ${type || "no content-type"})`, { title: "Unsupported media type" }));
    }
    const body = c.req.raw.body;
    if (!body) throw new ProblemError(problem("validation-failed", 422, "the body is empty; send the file", { errors: [{ pointer: "/lines", detail: "no lines", in: "body" }] }));
    const file = { task, name: name ?? task, public: isPublic === "true", body, format: csv ? ("csv" as const) : ("jsonl" as const), fileName };
    const dataset = await importDatasetFile(c.env, requirePrincipal(c), file);
    c.header("Location", `/v1/datasets/${dataset.id}`);
    return c.json(dataset, 201);
  },
);

datasetsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/datasets",
    summary: "Built-in and imported datasets (book QA and multiple choice)",
    description:
      "Built-ins (the Moby-Dick book QA sets and the ctxprobe-smoke-mc multiple-choice smoke set, which is not MMLU), public imports and, " +
      "with a token, the account's own private ones (the admin sees all). mmlu datasets also give `subjects` and `shots_from`.",
    security: TOKEN_OPTIONAL,
    responses: { 200: { description: "Datasets, built-in first, then imports newest first", content: { "application/json": { schema: z.object({ data: z.array(DatasetInfo) }) } } } },
  }),
  async (c) => c.json({ data: await listDatasets(c.env, c.get("principal")) }, 200),
);

datasetsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/datasets/{id}",
    summary: "One dataset",
    description: "A private upload of another account answers 404, as an unknown id.",
    security: TOKEN_OPTIONAL,
    request: { params: DatasetIdParam },
    responses: { 200: { description: "The dataset", content: { "application/json": { schema: DatasetInfo } } }, ...problemResponses(404) },
  }),
  async (c) => c.json(await datasetInfo(c.env, c.get("principal"), c.req.valid("param").id), 200),
);
