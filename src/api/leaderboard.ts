// /v1/leaderboard: one row per public, succeeded run, sortable and filterable by query parameters,
// as JSON or CSV, with an ETag so pollers can revalidate cheaply. Numbers reported in the paper can
// be added as rows marked `reported`, never mixed silently with measured ones.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { sha256Hex } from "../common/hash";
import { LeaderboardProtocol, LeaderboardRow } from "../contract/leaderboard";
import type { AppEnv } from "../http/app-env";
import { defaultSortDir, LEADERBOARD_SORT_KEYS, leaderboardRows } from "../lifecycle/leaderboard";
import { DEFAULT_LOSS_LENGTHS } from "../probes/loss/resolve";
import { createRouter } from "./router";

export const leaderboardApi = createRouter();

type Row = LeaderboardRow;

const LeaderboardQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  sort: z.enum(LEADERBOARD_SORT_KEYS).default("needle.paper").openapi({ description: "Column to order by; rows without it come last. loss@<L>: the loss suite's Loss@L at the paper's lengths." }),
  dir: z.enum(["asc", "desc"]).optional().openapi({ description: "Default: desc, except asc for literal_gap and loss@<L> (smaller is better)." }),
  suite: z.enum(["needle", "bookqa", "nonliteral", "loss", "mmlu", "ruler"]).optional().openapi({ description: "Only runs that have this suite." }),
  series: z.string().max(100).optional().openapi({ description: "Only runs of this checkpoint series." }),
  reference: z.enum(["only", "hide"]).optional().openapi({ description: "Only, or no, reference baselines." }),
  min_length: z.coerce.number().int().min(0).optional().openapi({ description: "Only runs whose effective context length is at least this." }),
  group: z.enum(["run", "model"]).default("run").openapi({ description: "model: one row per model name — its best run by `sort`." }),
  include: z.enum(["reported"]).optional().openapi({ description: "Add the paper's reported numbers as rows marked `reported`." }),
  protocol: z
    .string()
    .max(300)
    .regex(/^[A-Za-z0-9_.,~:+-]+$/)
    .optional()
    .openapi({
      description:
        "Only runs that have this protocol (see `protocols` in the answer for the ones present): an id such as needle:paper:sotu:llama2, `default` for the paper's needle grid " +
        "with the most runs (else the needle protocol with the most runs, else the protocol with the most; what the leaderboard page shows first), or `all` (the same as leaving it out). Reported rows are kept when asked for.",
      example: "needle:paper:sotu:llama2",
    }),
  valid: z.enum(["only"]).optional().openapi({ description: "Hide runs whose lengths are not what they claim: the server cut prompts, or its token counts disagree with the run's tokenizer (warnings truncated, token_mismatch, tokenizer_disagrees)." }),
  format: z.enum(["json", "csv"]).optional().openapi({ description: "csv also follows from `Accept: text/csv`." }),
});

const route = createRoute({
  method: "get",
  path: "/v1/leaderboard",
  summary: "Leaderboard of public, succeeded runs",
  description:
    "One row per run, ordered by `sort` (default the needle `paper` score, best first) and ranked in that order. Each row names its protocol " +
    "(suite type, grid or preset, corpus, tokenizer family); only rows of one protocol compare, so `?protocol=` keeps the runs of one, and `protocols` lists those present with their run counts. " +
    "Reference baselines are marked `reference: true`; " +
    "`?include=reported` adds the paper's published numbers as rows marked `reported: true`. Responses carry an `ETag` " +
    "(send `If-None-Match` to get 304) and `Cache-Control`. CSV with `Accept: text/csv` or `?format=csv`.",
  request: { query: LeaderboardQuery },
  responses: {
    200: {
      description: "Leaderboard rows",
      content: {
        "application/json": {
          schema: z
            .object({
              data: z.array(LeaderboardRow),
              protocols: z.array(LeaderboardProtocol).openapi({ description: "The protocols present (after every filter but ?protocol=), most runs first." }),
              protocol: z.string().nullable().openapi({ description: "The protocol the rows were kept by (the one ?protocol=default chose), or null for all." }),
            })
            .openapi("Leaderboard"),
        },
        "text/csv": { schema: z.string() },
      },
    },
    304: { description: "Not modified since the ETag sent in If-None-Match" },
  },
});

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
  ["nonliteral_score", (r) => r.suites.nonliteral?.nonliteral],
  ["nonliteral_literal", (r) => r.suites.nonliteral?.literal],
  ["nonliteral_distracted", (r) => r.suites.nonliteral?.distracted],
  ["mmlu_micro", (r) => r.suites.mmlu?.micro],
  ["mmlu_macro", (r) => r.suites.mmlu?.macro],
  ["effective_context_length", (r) => r.effective_context_length],
  ["effective_context_length_low", (r) => r.effective_context_length_interval?.[0]],
  ["effective_context_length_high", (r) => r.effective_context_length_interval?.[1]],
  ["nonliteral_effective_context_length", (r) => r.nonliteral_effective_context_length],
  ["literal_gap", (r) => r.literal_gap],
  ["literal_gap_low", (r) => r.literal_gap_interval?.[0]],
  ["literal_gap_high", (r) => r.literal_gap_interval?.[1]],
  ["ruler_average", (r) => r.suites.ruler?.ruler],
  ["ruler_effective_context_length", (r) => r.ruler_effective_context_length],
  ["ruler_effective_context_length_low", (r) => r.ruler_effective_context_length_interval?.[0]],
  ["ruler_effective_context_length_high", (r) => r.ruler_effective_context_length_interval?.[1]],
  ...DEFAULT_LOSS_LENGTHS.map((length): [string, (row: Row) => unknown] => [`loss_${length}`, (r) => r.loss_at?.[String(length)]]),
  ["engine", (r) => r.serving?.engine],
  ["engine_version", (r) => r.serving?.version],
  ["warnings", (r) => r.warnings.join(";")],
  ["tokens_processed", (r) => r.tokens_processed],
  ["finished_at", (r) => r.finished_at],
  ["source", (r) => r.source],
  ["rank", (r) => r.rank],
  ["protocol", (r) => r.protocol],
  ["context_window", (r) => r.model.context_window],
  ["longest_length", (r) => r.longest_length],
  ["prompt_tokens", (r) => r.prompt_tokens],
  ["cost_usd", (r) => r.cost_usd],
];

/**
 * One CSV cell. A text that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab
 * or a carriage return: OWASP's CSV injection rule) is prefixed with an apostrophe so it is shown as
 * text; numbers are written as they are (a negative score is a number, not a formula).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const raw = String(value);
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
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
  const board = await leaderboardRows(c.env, { ...query, dir: query.dir ?? defaultSortDir(query.sort) });
  const csv = wantsCsv(c, query.format);
  const body = csv ? toCsv(board.rows) : JSON.stringify({ data: board.rows, protocols: board.protocols, protocol: board.protocol });
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  c.header("ETag", etag);
  c.header("Cache-Control", "public, max-age=15, must-revalidate");
  c.header("Vary", "Accept");
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  if (csv) return c.body(body, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'inline; filename="leaderboard.csv"' });
  return c.body(body, 200, { "content-type": "application/json" });
});
