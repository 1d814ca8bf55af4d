// /v1/corpora: the haystack texts needle suites are cut from — built-in ones and uploads.
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { getCorpusRow, listUploadedCorpora, storeCorpus } from "../catalog/corpora";
import { BUILTIN_CORPORA, isBuiltinCorpusId, loadBuiltinCorpus } from "../probes/corpora";
import type { CorpusRow } from "../db/schema";
import { CorpusInfo, CorpusUpload } from "../contract/catalog";
import { createRouter, problemResponses } from "../http/app-env";
import { tokenRequired, TOKEN_REQUIRED } from "../http/auth";
import { problem, ProblemError, problemResponse } from "../http/problem";

export const corporaApi = createRouter();

const MAX_CORPUS_BYTES = 50 * 1024 * 1024;

function uploadedInfo(row: CorpusRow): z.infer<typeof CorpusInfo> {
  return { id: row.id, name: row.name, builtin: false, version: row.version, files: row.files, characters: row.characters, description: null, created_at: new Date(row.createdAt).toISOString() };
}

function builtinInfo(id: (typeof BUILTIN_CORPORA)[number]["id"]): z.infer<typeof CorpusInfo> {
  const corpus = loadBuiltinCorpus(id);
  const description = BUILTIN_CORPORA.find((c) => c.id === id)!.description;
  return { id, name: id, builtin: true, version: corpus.version, files: null, characters: corpus.text.length, description, created_at: null };
}

corporaApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/corpora",
    summary: "Upload a haystack corpus",
    description:
      "Stores a set of UTF-8 text files (e.g. the Paul Graham essays the paper used) as a corpus; select it in a needle suite with " +
      '`"corpus": "<id>"`. Files are joined in file-name order — the paper used unsorted glob order, which differs between machines. Needs a token.',
    security: TOKEN_REQUIRED,
    middleware: [
      tokenRequired,
      bodyLimit({ maxSize: MAX_CORPUS_BYTES, onError: (c) => problemResponse(c, problem("body-too-large", 413, `corpus uploads are limited to ${MAX_CORPUS_BYTES} bytes`)) }),
    ] as const,
    request: { body: { content: { "application/json": { schema: CorpusUpload } }, required: true } },
    responses: {
      201: { description: "The stored corpus", content: { "application/json": { schema: CorpusInfo } } },
      ...problemResponses(401, 413, 422),
    },
  }),
  async (c) => {
    const upload = c.req.valid("json");
    const row = await storeCorpus(c.env as Env, upload.name, upload.files);
    c.header("Location", `/v1/corpora/${row.id}`);
    return c.json(uploadedInfo(row), 201);
  },
);

corporaApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/corpora",
    summary: "Built-in and uploaded corpora",
    responses: { 200: { description: "Corpora", content: { "application/json": { schema: z.object({ data: z.array(CorpusInfo) }) } } } },
  }),
  async (c) => {
    const uploaded = await listUploadedCorpora(c.env as Env);
    return c.json({ data: [...BUILTIN_CORPORA.map((b) => builtinInfo(b.id)), ...uploaded.map(uploadedInfo)] }, 200);
  },
);

corporaApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/corpora/{id}",
    summary: "One corpus",
    request: { params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: { description: "The corpus", content: { "application/json": { schema: CorpusInfo } } }, ...problemResponses(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (isBuiltinCorpusId(id)) return c.json(builtinInfo(id), 200);
    const row = await getCorpusRow(c.env as Env, id);
    if (!row) throw new ProblemError(problem("not-found", 404, `no corpus with id ${id}`));
    return c.json(uploadedInfo(row), 200);
  },
);
