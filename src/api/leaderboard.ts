// /v1/leaderboard: succeeded public runs, best first by the headline metric of their first suite.
import { createRoute, z } from "@hono/zod-openapi";
import { database, leaderboardRuns } from "../lifecycle/store";
import { storedModel } from "../lifecycle/run-model";
import { SUITES } from "../probes/suites";
import type { SuiteAggregate } from "../probes/suites/aggregate";
import { createRouter } from "./app-types";
import { LeaderboardRow } from "./schemas";

export const leaderboardApi = createRouter();

const route = createRoute({
  method: "get",
  path: "/v1/leaderboard",
  summary: "Leaderboard of public, succeeded runs",
  description:
    "One row per run. Rows are ordered by the headline metric of the run's first suite (needle: `paper`), best first. " +
    "Reference baselines are marked with `reference: true`.",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: {
    200: {
      description: "Leaderboard rows",
      content: { "application/json": { schema: z.object({ data: z.array(LeaderboardRow) }).openapi("Leaderboard") } },
    },
  },
});

function headline(suites: SuiteAggregate[]): number {
  const first = suites[0];
  if (!first) return -1;
  const metric = SUITES[first.type as keyof typeof SUITES]?.metrics[0];
  return (metric ? first.scores[metric] : null) ?? -1;
}

leaderboardApi.openapi(route, async (c) => {
  const { limit } = c.req.valid("query");
  const rows = (await leaderboardRuns(database(c.env.DB), 1000)).map((run) => {
    const suites = JSON.parse(run.resultsJson ?? "[]") as SuiteAggregate[];
    const byType: Record<string, Record<string, number | null>> = {};
    for (const s of suites) byType[s.type] ??= s.scores;
    const effective = suites.find((s) => s.type === "needle")?.effective_context_length;
    return {
      row: {
        run_id: run.id,
        model: storedModel(run),
        reference: run.reference === 1,
        suites: byType,
        effective_context_length: effective?.length ?? null,
        effective_context_length_interval: effective ? ([effective.low, effective.high] as [number | null, number | null]) : null,
        finished_at: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(),
      },
      score: headline(suites),
    };
  });
  rows.sort((a, b) => b.score - a.score);
  c.header("Cache-Control", "public, max-age=15");
  return c.json({ data: rows.slice(0, limit).map((r) => r.row) }, 200);
});
