// /v1/corpora: the haystack texts needle suites are cut from — built-in ones and uploads.
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { corpusInfo, listCorpora, uploadCorpus } from "../catalog/catalog";
import { CorpusInfo, CorpusUpload } from "../contract/catalog";
import { requirePrincipal, tokenRequired, TOKEN_OPTIONAL, TOKEN_REQUIRED } from "../http/auth";
import { problem, problemResponse } from "../http/problem";
import { createRouter, problemResponses } from "./router";

export const corporaApi = createRouter();

const MAX_CORPUS_BYTES = 50 * 1024 * 1024;

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
    const corpus = await uploadCorpus(c.env, requirePrincipal(c), c.req.valid("json"));
    c.header("Location", `/v1/corpora/${corpus.id}`);
    return c.json(corpus, 201);
  },
);

corporaApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/corpora",
    summary: "Built-in and uploaded corpora",
    description: "Built-ins, public uploads and, with a token, the account's own private ones (the admin sees all).",
    security: TOKEN_OPTIONAL,
    responses: { 200: { description: "Corpora", content: { "application/json": { schema: z.object({ data: z.array(CorpusInfo) }) } } } },
  }),
  async (c) => c.json({ data: await listCorpora(c.env, c.get("principal")) }, 200),
);

corporaApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/corpora/{id}",
    summary: "One corpus",
    description: "A private upload of another account answers 404, as an unknown id.",
    security: TOKEN_OPTIONAL,
    request: { params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: { description: "The corpus", content: { "application/json": { schema: CorpusInfo } } }, ...problemResponses(404) },
  }),
  async (c) => c.json(await corpusInfo(c.env, c.get("principal"), c.req.valid("param").id), 200),
);
