// /v1/datasets: the question sets book QA suites ask — built-in ones and imported InfiniteBench files.
import { createRoute, z } from "@hono/zod-openapi";
import { datasetInfo, importDatasetFile, listDatasets } from "../catalog/catalog";
import { MAX_DATASET_QUESTIONS } from "../catalog/dataset-import";
import { DatasetInfo } from "../contract/catalog";
import { requirePrincipal, tokenRequired, TOKEN_OPTIONAL, TOKEN_REQUIRED } from "../http/auth";
import { problem, ProblemError } from "../http/problem";
import { BOOKQA_TASKS } from "../probes/bookqa";
import { createRouter, problemResponses } from "./router";

export const datasetsApi = createRouter();

const NDJSON = "application/x-ndjson";
/** Media types JSON-lines files are sent with in the wild; all mean the same here. */
const JSON_LINES_TYPES = [NDJSON, "application/jsonl", "application/x-jsonlines", "application/jsonlines", "application/json-lines"];

const DatasetIdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" }, example: "moby-dick-qa" }) });

datasetsApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/datasets",
    summary: "Import an InfiniteBench long-book file",
    description:
      "Streams a JSON-lines file in InfiniteBench's schema (one `{id, context, input, answer, options}` per line; e.g. " +
      "`longbook_qa_eng.jsonl` or `longbook_choice_eng.jsonl`) into a dataset; select it in a book QA suite with " +
      '`"dataset": "<id>"`. Send it with `content-type: application/x-ndjson`; it is read line by line, never buffered whole. ' +
      "Books are stored once however many questions share them. The file's SHA-256 is the dataset's `revision`. " +
      "Any malformed line refuses the import (422, `errors[].pointer` = `/lines/<line number>`) and nothing of it is kept. " +
      `At most ${MAX_DATASET_QUESTIONS} questions per dataset. Needs a token.`,
    security: TOKEN_REQUIRED,
    middleware: [tokenRequired] as const,
    request: {
      query: z.object({
        task: z.enum(BOOKQA_TASKS).openapi({ description: "longbook_qa_eng (short answer, En.QA) or longbook_choice_eng (multiple choice, En.MC)." }),
        name: z.string().trim().min(1).max(100).optional().openapi({ description: "A label; default the task name.", example: "infinitebench-en-qa" }),
        public: z.enum(["true", "false"]).optional().openapi({ description: "true: every account may use it; default only the importing account (and the admin)." }),
      }),
      body: {
        content: { [NDJSON]: { schema: z.string().openapi({ format: "binary", description: "JSON lines" }) } },
        required: true,
      },
    },
    responses: {
      201: { description: "The imported dataset", content: { "application/json": { schema: DatasetInfo } } },
      ...problemResponses(401, 413, 415, 422),
    },
  }),
  async (c) => {
    const { task, name, public: isPublic } = c.req.valid("query");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!JSON_LINES_TYPES.includes(type)) {
      throw new ProblemError(
        problem("unsupported-media-type", 415, `send the file as ${NDJSON} (got ${type || "no content-type"})`, { title: "Unsupported media type" }),
      );
    }
    const body = c.req.raw.body;
    if (!body) throw new ProblemError(problem("validation-failed", 422, "the body is empty; send the JSON-lines file", { errors: [{ pointer: "/lines", detail: "no lines", in: "body" }] }));
    const dataset = await importDatasetFile(c.env, requirePrincipal(c), { task, name: name ?? task, public: isPublic === "true", body });
    c.header("Location", `/v1/datasets/${dataset.id}`);
    return c.json(dataset, 201);
  },
);

datasetsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/datasets",
    summary: "Built-in and imported book QA datasets",
    description: "Built-ins, public uploads and, with a token, the account's own private ones (the admin sees all).",
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
