// /v1/runs: submit, list, inspect and cancel evaluation runs, and a run's summary as Markdown. Each
// handler validates, makes one domain call (src/lifecycle) and shapes the answer.
import type { Context } from "hono";
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { Run, RunPlan } from "../contract/run";
import { CreateRunRequest } from "../contract/run-request";
import { Page } from "../contract/page";
import { requirePrincipal, tokenRequired, TOKEN_OPTIONAL, TOKEN_REQUIRED } from "../http/auth";
import { problem, problemResponse } from "../http/problem";
import { cancelRunAs, runsPage, runStatus } from "../lifecycle/runs";
import { submitRun } from "../lifecycle/submit";
import type { AppEnv } from "../http/app-env";
import { cursorPosition, encodeCursor, isTimeCursor } from "./cursors";
import { runMarkdown } from "./run-markdown";
import { createRouter, problemResponses } from "./router";
import { PageQuery, RunIdParam } from "./schemas";

export const runsApi = createRouter();

const MAX_BODY_BYTES = 256 * 1024;

const createRun = createRoute({
  method: "post",
  path: "/v1/runs",
  summary: "Submit an evaluation run",
  description:
    "Validates the model and suites, plans one probe per grid cell and queues them. Answers 202 with the run; poll `Location`. " +
    "With `?dry_run=true` it only validates and plans (probe count, prompt tokens) and sends nothing. " +
    "An `Idempotency-Key` header makes retries safe: the same key and body return the same run; the same key with another body is refused (422). " +
    "Needs a token; the run belongs to its account, which may submit RUNS_PER_ACCOUNT_PER_DAY runs per 24 h (429 with Retry-After beyond; dry runs do not count).",
  security: TOKEN_REQUIRED,
  middleware: [
    tokenRequired,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problemResponse(c, problem("body-too-large", 413, `request bodies are limited to ${MAX_BODY_BYTES} bytes`)),
    }),
  ] as const,
  request: {
    query: z.object({
      dry_run: z.enum(["true", "false"]).optional().openapi({ description: "Plan only; send nothing." }),
      preflight: z.enum(["true", "false"]).optional().openapi({ description: "With dry_run=true: add the endpoint's preflight (POST /v1/endpoints/check) to the plan." }),
    }),
    headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }),
    body: { content: { "application/json": { schema: CreateRunRequest } }, required: true },
  },
  responses: {
    202: { description: "Run accepted", content: { "application/json": { schema: Run } } },
    200: { description: "Dry run: the plan", content: { "application/json": { schema: RunPlan } } },
    ...problemResponses(400, 401, 413, 422, 429, 503),
  },
});

runsApi.openapi(createRun, async (c) => {
  const result = await submitRun(c.env, {
    principal: requirePrincipal(c),
    request: c.req.valid("json"),
    dryRun: c.req.valid("query").dry_run === "true",
    preflight: c.req.valid("query").preflight === "true",
    idempotencyKey: c.req.valid("header")["idempotency-key"] ?? null,
    origin: new URL(c.req.url).origin,
    defer: (work) => c.executionCtx.waitUntil(work),
  });
  if (result.kind === "planned") return c.json(result.plan, 200);
  c.header("Location", `/v1/runs/${result.run.id}`);
  if (!result.replayed) c.header("Retry-After", "2");
  return c.json(result.run, 202);
});

const listRuns = createRoute({
  method: "get",
  path: "/v1/runs",
  summary: "List runs, newest first",
  description: "Public runs, plus the private runs of the token's account (the admin token sees every run).",
  security: TOKEN_OPTIONAL,
  request: { query: PageQuery },
  responses: {
    200: { description: "A page of runs", content: { "application/json": { schema: Page(Run, "RunPage") } } },
    ...problemResponses(422),
  },
});

runsApi.openapi(listRuns, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = cursorPosition(cursor, isTimeCursor);
  const { runs, next } = await runsPage(c.env, c.get("principal"), after ? { createdAt: after.c, id: after.i } : null, limit);
  return c.json({ data: runs, next_cursor: next ? encodeCursor({ c: next.createdAt, i: next.id }) : null }, 200);
});

const getRunRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}",
  summary: "A run with its progress and scores",
  description:
    "A private run is shown only to its account's tokens and the admin; to anyone else it does not exist (404). " +
    "`?format=md` answers its summary as Markdown, as `/v1/runs/{id}/summary.md` does.",
  security: TOKEN_OPTIONAL,
  request: {
    params: RunIdParam,
    query: z.object({ format: z.enum(["json", "md"]).optional().openapi({ description: "md: the run's summary as Markdown." }) }),
  },
  responses: {
    200: { description: "The run", content: { "application/json": { schema: Run }, "text/markdown": { schema: z.string() } } },
    ...problemResponses(404, 422),
  },
});

/** The summary's links point at PUBLIC_ORIGIN when it is set, else where the request came. */
function summaryOrigin(c: Context<AppEnv>): string {
  try {
    if (c.env.PUBLIC_ORIGIN) return new URL(c.env.PUBLIC_ORIGIN).origin;
  } catch {
    // a malformed PUBLIC_ORIGIN: the request's origin still makes working links
  }
  return new URL(c.req.url).origin;
}

async function markdownSummary(c: Context<AppEnv>, id: string): Promise<Response> {
  const run = await runStatus(c.env, c.get("principal"), id);
  return c.body(runMarkdown(run, summaryOrigin(c)), 200, {
    "content-type": "text/markdown; charset=utf-8",
    "content-disposition": `inline; filename="${id.replace(/[^\w.-]/g, "_")}-summary.md"`,
  });
}

runsApi.openapi(getRunRoute, async (c) => {
  const { id } = c.req.valid("param");
  if (c.req.valid("query").format === "md") return markdownSummary(c, id);
  return c.json(await runStatus(c.env, c.get("principal"), id), 200);
});

const summaryRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/summary.md",
  summary: "A run's summary as Markdown, for a model card or a report",
  description:
    "The model (served name, API, tokenizer, window, serving engine, series), the run's status and probe counts, a table of every suite's scores " +
    "with the 95 % intervals the service computes (multiple-choice accuracy, Loss@L; — where none), the effective context lengths with their intervals, and the warnings.",
  security: TOKEN_OPTIONAL,
  request: { params: RunIdParam },
  responses: {
    200: { description: "The summary", content: { "text/markdown": { schema: z.string() } } },
    ...problemResponses(404),
  },
});

runsApi.openapi(summaryRoute, async (c) => markdownSummary(c, c.req.valid("param").id));

const cancelRoute = createRoute({
  method: "post",
  path: "/v1/runs/{id}/cancel",
  summary: "Cancel a queued or running run",
  description: "Probes not yet settled are marked cancelled and no further calls are made. A finished run answers 409. Needs the run's account token or the admin token.",
  security: TOKEN_REQUIRED,
  middleware: [tokenRequired] as const,
  request: { params: RunIdParam },
  responses: {
    200: { description: "The cancelled run", content: { "application/json": { schema: Run } } },
    ...problemResponses(401, 403, 404, 409),
  },
});

runsApi.openapi(cancelRoute, async (c) => c.json(await cancelRunAs(c.env, requirePrincipal(c), c.req.valid("param").id), 200));
