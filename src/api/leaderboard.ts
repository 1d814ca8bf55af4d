// /v1/leaderboard: one row per public, succeeded run, sortable and filterable by query parameters,
// as JSON or CSV, with an ETag so pollers can revalidate cheaply. Numbers reported in the paper can
// be added as rows marked `reported`, never mixed silently with measured ones.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { sha256Hex } from "../lifecycle/consume";
import { storedModel } from "../lifecycle/run-model";
import { database, leaderboardRuns } from "../lifecycle/store";
import type { SuiteAggregate } from "../probes/suites/aggregate";
import { createRouter, type AppEnv } from "../http/app-env";
import { REPORTED_ROWS, REPORTED_SOURCE } from "./reported";
import { LeaderboardRow } from "../contract/leaderboard";

export const leaderboardApi = createRouter();

type Row = z.infer<typeof LeaderboardRow>;

const SORT_KEYS = ["needle.paper", "needle.contains", "needle.rouge1", "bookqa.infinitebench", "bookqa.paper_recall", "effective_context_length", "tokens_processed", "finished_at"] as const;

const LeaderboardQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  sort: z.enum(SORT_KEYS).default("needle.paper").openapi({ description: "Column to order by; rows without it come last." }),
  dir: z.enum(["asc", "desc"]).default("desc"),
  suite: z.enum(["needle", "bookqa"]).optional().openapi({ description: "Only runs that have this suite." }),
  series: z.string().max(100).optional().openapi({ description: "Only runs of this checkpoint series." }),
  reference: z.enum(["only", "hide"]).optional().openapi({ description: "Only, or no, reference baselines." }),
  min_length: z.coerce.number().int().min(0).optional().openapi({ description: "Only runs whose effective context length is at least this." }),
  group: z.enum(["run", "model"]).default("run").openapi({ description: "model: one row per model name — its best run by `sort`." }),
  include: z.enum(["reported"]).optional().openapi({ description: "Add the paper's reported numbers as rows marked `reported`." }),
  format: z.enum(["json", "csv"]).optional().openapi({ description: "csv also follows from `Accept: text/csv`." }),
});

const route = createRoute({
  method: "get",
  path: "/v1/leaderboard",
  summary: "Leaderboard of public, succeeded runs",
  description:
    "One row per run, ordered by `sort` (default the needle `paper` score, best first). Reference baselines are marked `reference: true`; " +
    "`?include=reported` adds the paper's published numbers as rows marked `reported: true`. Responses carry an `ETag` " +
    "(send `If-None-Match` to get 304) and `Cache-Control`. CSV with `Accept: text/csv` or `?format=csv`.",
  request: { query: LeaderboardQuery },
  responses: {
    200: {
      description: "Leaderboard rows",
      content: {
        "application/json": { schema: z.object({ data: z.array(LeaderboardRow) }).openapi("Leaderboard") },
        "text/csv": { schema: z.string() },
      },
    },
    304: { description: "Not modified since the ETag sent in If-None-Match" },
  },
});

function measuredRows(runs: Awaited<ReturnType<typeof leaderboardRuns>>): Row[] {
  return runs.map((run) => {
    const suites = JSON.parse(run.resultsJson ?? "[]") as SuiteAggregate[];
    const byType: Record<string, Record<string, number | null>> = {};
    for (const s of suites) byType[s.type] ??= s.scores;
    const effective = suites.find((s) => s.type === "needle")?.effective_context_length;
    return {
      run_id: run.id,
      model: storedModel(run),
      reference: run.reference === 1,
      series: run.series,
      step: run.step,
      reported: false,
      source: null,
      tokens_processed: run.promptTokens + run.completionTokens,
      suites: byType,
      effective_context_length: effective?.length ?? null,
      effective_context_length_interval: effective ? [effective.low, effective.high] : null,
      finished_at: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(),
    };
  });
}

function reportedRows(): Row[] {
  return REPORTED_ROWS.map((r) => ({
    run_id: null,
    model: { name: r.name, ...(r.contextWindow ? { context_window: r.contextWindow } : {}) },
    reference: false,
    series: null,
    step: null,
    reported: true,
    source: REPORTED_SOURCE,
    tokens_processed: null,
    suites: {
      ...(r.needlePaper !== null ? { needle: { paper: r.needlePaper } } : {}),
      ...(r.bookqaPaperRecall !== null ? { bookqa: { paper_recall: r.bookqaPaperRecall } } : {}),
    },
    effective_context_length: null,
    effective_context_length_interval: null,
    finished_at: null,
  }));
}

function sortValue(row: Row, key: (typeof SORT_KEYS)[number]): number | string | null {
  if (key === "effective_context_length") return row.effective_context_length;
  if (key === "tokens_processed") return row.tokens_processed;
  if (key === "finished_at") return row.finished_at;
  const [suite, metric] = key.split(".") as [string, string];
  return row.suites[suite]?.[metric] ?? null;
}

const CSV_COLUMNS: [string, (row: Row) => unknown][] = [
  ["run_id", (r) => r.run_id],
  ["model_name", (r) => r.model.name],
  ["served_model", (r) => r.model.model],
  ["reference", (r) => r.reference],
  ["reported", (r) => r.reported],
  ["needle_paper", (r) => r.suites.needle?.paper],
  ["needle_contains", (r) => r.suites.needle?.contains],
  ["needle_rouge1", (r) => r.suites.needle?.rouge1],
  ["bookqa_infinitebench", (r) => r.suites.bookqa?.infinitebench],
  ["bookqa_paper_recall", (r) => r.suites.bookqa?.paper_recall],
  ["effective_context_length", (r) => r.effective_context_length],
  ["effective_context_length_low", (r) => r.effective_context_length_interval?.[0]],
  ["effective_context_length_high", (r) => r.effective_context_length_interval?.[1]],
  ["tokens_processed", (r) => r.tokens_processed],
  ["finished_at", (r) => r.finished_at],
  ["source", (r) => r.source],
];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: Row[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(","), ...rows.map((row) => CSV_COLUMNS.map(([, get]) => csvCell(get(row))).join(","))];
  return lines.join("\r\n") + "\r\n";
}

function wantsCsv(c: Context<AppEnv>, format: "json" | "csv" | undefined): boolean {
  if (format) return format === "csv";
  return (c.req.header("accept") ?? "").includes("text/csv");
}

leaderboardApi.openapi(route, async (c) => {
  const query = c.req.valid("query");
  let rows = measuredRows(await leaderboardRuns(database(c.env.DB), 1000));
  if (query.reference === "only") rows = rows.filter((r) => r.reference);
  if (query.reference === "hide") rows = rows.filter((r) => !r.reference);
  if (query.min_length !== undefined) rows = rows.filter((r) => (r.effective_context_length ?? -1) >= query.min_length!);
  if (query.include === "reported" && query.reference !== "only" && query.min_length === undefined) rows.push(...reportedRows());
  if (query.suite) rows = rows.filter((r) => query.suite! in r.suites);
  if (query.series) rows = rows.filter((r) => r.series === query.series);

  const sign = query.dir === "asc" ? 1 : -1;
  rows.sort((a, b) => {
    const x = sortValue(a, query.sort);
    const y = sortValue(b, query.sort);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // missing values last
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
  if (query.group === "model") {
    const seen = new Set<string>();
    rows = rows.filter((r) => !seen.has(r.model.name) && seen.add(r.model.name) !== undefined);
  }
  rows = rows.slice(0, query.limit);

  const csv = wantsCsv(c, query.format);
  const body = csv ? toCsv(rows) : JSON.stringify({ data: rows });
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  c.header("ETag", etag);
  c.header("Cache-Control", "public, max-age=15, must-revalidate");
  c.header("Vary", "Accept");
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  if (csv) return c.body(body, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'inline; filename="leaderboard.csv"' });
  return c.body(body, 200, { "content-type": "application/json" });
});
