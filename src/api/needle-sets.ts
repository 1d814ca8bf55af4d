// /v1/needle-sets: the non-literal suite's own needle set, open for audit.
import { createRoute, z } from "@hono/zod-openapi";
import { needleSets } from "../catalog/needle-sets";
import { NeedleSet } from "../contract/needle-sets";
import { createRouter } from "./router";

export const needleSetsApi = createRouter();

needleSetsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/needle-sets",
    summary: "The non-literal needle set, with its audit",
    description:
      "Every needle/question pair the non-literal suite draws from (literal, one_hop, two_hop), its distractors, the content words needle and question share " +
      "and the needle's BM25 rank for its question, so anyone can check that a keyword search cannot find the non-literal needles. Written by ctxprobe, not copied.",
    responses: { 200: { description: "Needle sets", content: { "application/json": { schema: z.object({ data: z.array(NeedleSet) }) } } } },
  }),
  async (c) => c.json({ data: await needleSets() }, 200),
);
