// /v1/datasets: the question sets book QA suites ask — built-in ones and imported InfiniteBench files.
import { createRoute, z } from "@hono/zod-openapi";
import { envNumber } from "../config";
import { BOOKQA_TASKS } from "../probes/bookqa";
import { DatasetInfo } from "../contract/catalog";
import type { BookQaDatasetInfo } from "../probes/suites/bookqa-datasets";
import {
  builtinDatasetInfos,
  DatasetImportError,
  DatasetTooLargeError,
  DEFAULT_MAX_DATASET_BYTES,
  getDatasetInfo,
  importDataset,
  importedInfo,
  listImportedDatasets,
  MAX_DATASET_QUESTIONS,
} from "../catalog/datasets";
import { createRouter, problemResponses } from "../http/app-env";
import { tokenRequired, TOKEN_REQUIRED } from "../http/auth";
import { problem, ProblemError } from "../http/problem";

export const datasetsApi = createRouter();

const NDJSON = "application/x-ndjson";
/** Media types JSON-lines files are sent with in the wild; all mean the same here. */
const JSON_LINES_TYPES = [NDJSON, "application/jsonl", "application/x-jsonlines", "application/jsonlines", "application/json-lines"];

function resource(info: BookQaDatasetInfo): z.infer<typeof DatasetInfo> {
  return { ...info, created_at: info.created_at === null ? null : new Date(info.created_at).toISOString() };
}

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
    const { task, name } = c.req.valid("query");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!JSON_LINES_TYPES.includes(type)) {
      throw new ProblemError(
        problem("unsupported-media-type", 415, `send the file as ${NDJSON} (got ${type || "no content-type"})`, { title: "Unsupported media type" }),
      );
    }
    const body = c.req.raw.body;
    if (!body) throw new ProblemError(problem("validation-failed", 422, "the body is empty; send the JSON-lines file", { errors: [{ pointer: "/lines", detail: "no lines", in: "body" }] }));
    let row;
    try {
      row = await importDataset(c.env as Env, { task, name: name ?? task, body, maxBytes: envNumber(c.env.MAX_DATASET_BYTES, DEFAULT_MAX_DATASET_BYTES) });
    } catch (error) {
      if (error instanceof DatasetTooLargeError) throw new ProblemError(problem("body-too-large", 413, `${error.message}; nothing was imported`));
      if (!(error instanceof DatasetImportError)) throw error;
      const errors = error.errors.map((e) => ({ pointer: e.line === 0 ? "/lines" : `/lines/${e.line}`, detail: e.detail, in: "body" as const }));
      const shown = errors.length < error.invalidLines ? ` (the first ${errors.length} are listed)` : "";
      const detail = error.invalidLines === 1 ? `${errors[0]!.pointer}: ${errors[0]!.detail}` : `${error.invalidLines} lines are invalid${shown}; see errors[]`;
      throw new ProblemError(problem("validation-failed", 422, `${detail}; nothing was imported`, { errors }));
    }
    c.header("Location", `/v1/datasets/${row.id}`);
    return c.json(resource(importedInfo(row)), 201);
  },
);

datasetsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/datasets",
    summary: "Built-in and imported book QA datasets",
    responses: { 200: { description: "Datasets, built-in first, then imports newest first", content: { "application/json": { schema: z.object({ data: z.array(DatasetInfo) }) } } } },
  }),
  async (c) => {
    const imported = await listImportedDatasets(c.env as Env);
    return c.json({ data: [...builtinDatasetInfos(), ...imported.map(importedInfo)].map(resource) }, 200);
  },
);

datasetsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/datasets/{id}",
    summary: "One dataset",
    request: { params: DatasetIdParam },
    responses: { 200: { description: "The dataset", content: { "application/json": { schema: DatasetInfo } } }, ...problemResponses(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const info = await getDatasetInfo(c.env as Env, id);
    if (!info) throw new ProblemError(problem("not-found", 404, `no dataset with id ${id}`));
    return c.json(resource(info), 200);
  },
);
