// /v1/series/{name}: the trend of each metric over the checkpoints of a series.
import { createRoute, z } from "@hono/zod-openapi";
import type { Env } from "../env";
import { trendScores, TREND_METRICS } from "../lifecycle/series";
import type { SuiteAggregate } from "../probes/suites/aggregate";
import { createRouter, problemResponses } from "./app-types";
import { problem, ProblemError } from "./problem";

export const seriesApi = createRouter();

const SeriesPoint = z
  .object({
    run_id: z.string(),
    model_name: z.string(),
    step: z.int().nullable(),
    tokens_trained: z.int().nullable(),
    finished_at: z.string().nullable(),
    scores: z.record(z.string(), z.number()).openapi({ description: "suite.metric → score (0–100)." }),
    effective_context_length: z.int().nullable(),
    regression: z.boolean().openapi({ description: "Flagged against the previous step when it finished." }),
  })
  .openapi("SeriesPoint");

const Series = z
  .object({
    name: z.string(),
    metrics: z.array(z.string()),
    points: z.array(SeriesPoint).openapi({ description: "Public succeeded runs of the series by step (or training tokens)." }),
  })
  .openapi("Series");

seriesApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/series/{name}",
    summary: "Trend of a checkpoint series",
    description: "Each metric over the steps of a series (the paper's Figure 3 as a product feature), with regressions flagged.",
    request: { params: z.object({ name: z.string().min(1).max(100).openapi({ param: { name: "name", in: "path" }, example: "llama2-7b-80k" }) }) },
    responses: { 200: { description: "The trend", content: { "application/json": { schema: Series } } }, ...problemResponses(404) },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const { results } = await (c.env as Env).DB.prepare(
      `SELECT id, model_name, step, tokens_trained, finished_at, results_json, regression_json FROM runs
       WHERE series = ? AND public = 1 AND status = 'succeeded'
       ORDER BY coalesce(step, tokens_trained), finished_at LIMIT 1000`,
    )
      .bind(name)
      .all<{ id: string; model_name: string; step: number | null; tokens_trained: number | null; finished_at: number | null; results_json: string; regression_json: string | null }>();
    if (!results.length) throw new ProblemError(problem("not-found", 404, `no public finished runs in series ${name}`));
    const points = results.map((row) => {
      const suites = JSON.parse(row.results_json) as SuiteAggregate[];
      return {
        run_id: row.id,
        model_name: row.model_name,
        step: row.step,
        tokens_trained: row.tokens_trained,
        finished_at: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
        scores: trendScores(suites),
        effective_context_length: suites.find((s) => s.type === "needle")?.effective_context_length?.length ?? null,
        regression: row.regression_json ? (JSON.parse(row.regression_json) as { flagged: boolean }).flagged : false,
      };
    });
    const metrics = TREND_METRICS.filter((m) => points.some((p) => m in p.scores));
    return c.json({ name, metrics: [...metrics], points }, 200);
  },
);
