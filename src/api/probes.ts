// /v1/runs/{id}/probes…: a run's probes (JSON pages, or all of them as CSV), one probe, its rebuilt
// prompt, and the needle heatmap.
import { createRoute, z } from "@hono/zod-openapi";
import { Heatmap, Probe, ProbePrompt } from "../contract/run";
import { Page } from "../contract/page";
import { TOKEN_OPTIONAL } from "../http/auth";
import { probeExport } from "../lifecycle/exports";
import { probeOf, probePrompt, probesPage, runHeatmap } from "../lifecycle/runs";
import { probeCsvStream } from "./probes-csv";
import { cursorPosition, encodeCursor, isIndexCursor } from "./cursors";
import { createRouter, problemResponses } from "./router";
import { PageQuery, ProbeParams, RunIdParam } from "./schemas";

export const probesApi = createRouter();

const listProbesRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/probes",
  summary: "The run's probes with responses and scores",
  description:
    "JSON: a page of probes (`limit`, `cursor`). CSV (`?format=csv` or `Accept: text/csv`): every probe of the run in one download, " +
    "one row each — cell, status, a `score_<name>` column per score, token counts, timings, the response; paging parameters are ignored.",
  security: TOKEN_OPTIONAL,
  request: {
    params: RunIdParam,
    query: PageQuery.extend({ format: z.enum(["json", "csv"]).optional().openapi({ description: "csv also follows from `Accept: text/csv`." }) }),
  },
  responses: {
    200: {
      description: "A page of probes in idx order, or all of them as CSV",
      content: { "application/json": { schema: Page(Probe, "ProbePage") }, "text/csv": { schema: z.string() } },
    },
    ...problemResponses(404, 422),
  },
});

probesApi.openapi(listProbesRoute, async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, format } = c.req.valid("query");
  c.header("Vary", "Accept");
  if (format === "csv" || (!format && (c.req.header("accept") ?? "").includes("text/csv"))) {
    const { scoreNames, pages } = await probeExport(c.env, c.get("principal"), id);
    return c.body(probeCsvStream(scoreNames, pages), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${id.replace(/[^\w.-]/g, "_")}-probes.csv"` });
  }
  const { probes, next } = await probesPage(c.env, c.get("principal"), id, cursorPosition(cursor, isIndexCursor)?.i ?? -1, limit);
  return c.json({ data: probes, next_cursor: next === null ? null : encodeCursor({ i: next }) }, 200);
});

const getProbeRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/probes/{idx}",
  summary: "One probe with its response and scores",
  security: TOKEN_OPTIONAL,
  request: { params: ProbeParams },
  responses: {
    200: { description: "The probe", content: { "application/json": { schema: Probe } } },
    ...problemResponses(404),
  },
});

probesApi.openapi(getProbeRoute, async (c) => {
  const { id, idx } = c.req.valid("param");
  return c.json(await probeOf(c.env, c.get("principal"), id, idx), 200);
});

const probePromptRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/probes/{idx}/prompt",
  summary: "Rebuild the exact prompt of a probe",
  description:
    "Rebuilds the prompt from the run's stored recipe (corpus and version, tokenizer, length, depth, template). " +
    "Its SHA-256 equals the probe's prompt_sha256, so anyone can check what was sent.",
  security: TOKEN_OPTIONAL,
  request: { params: ProbeParams },
  responses: {
    200: { description: "The prompt", content: { "application/json": { schema: ProbePrompt } } },
    ...problemResponses(404, 409),
  },
});

probesApi.openapi(probePromptRoute, async (c) => {
  const { id, idx } = c.req.valid("param");
  return c.json(await probePrompt(c.env, c.get("principal"), id, idx), 200);
});

const heatmapRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/heatmap",
  summary: "Heatmap of a needle or non-literal suite: rows are depths, columns lengths",
  security: TOKEN_OPTIONAL,
  request: {
    params: RunIdParam,
    query: z.object({
      metric: z.string().max(32).optional().openapi({
        description: "Needle: paper (default), rouge1 or contains. Non-literal: nonliteral (default), literal, one_hop, two_hop, contains or distracted — a cell is the mean of its probes that have the metric.",
      }),
      suite: z.coerce.number().int().min(0).optional().openapi({ description: "Suite index; default the first needle suite, else the first non-literal one." }),
    }),
  },
  responses: {
    200: { description: "Scores in 0–1, null where nothing is scored yet", content: { "application/json": { schema: Heatmap } } },
    ...problemResponses(404, 422),
  },
});

probesApi.openapi(heatmapRoute, async (c) => {
  const { metric, suite } = c.req.valid("query");
  return c.json(await runHeatmap(c.env, c.get("principal"), c.req.valid("param").id, metric, suite), 200);
});
