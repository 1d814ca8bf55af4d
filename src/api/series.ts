// /v1/series/{name}: the trend of each metric over the checkpoints of a series.
import { createRoute, z } from "@hono/zod-openapi";
import { Series } from "../contract/series";
import { seriesTrend } from "../lifecycle/series";
import { createRouter, problemResponses } from "./router";

export const seriesApi = createRouter();

seriesApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/series/{name}",
    summary: "Trend of a checkpoint series",
    description: "Each metric over the steps of a series (the paper's Figure 3 as a product feature), with regressions flagged.",
    request: { params: z.object({ name: z.string().min(1).max(100).openapi({ param: { name: "name", in: "path" }, example: "llama2-7b-80k" }) }) },
    responses: { 200: { description: "The trend", content: { "application/json": { schema: Series } } }, ...problemResponses(404) },
  }),
  async (c) => c.json(await seriesTrend(c.env, c.req.valid("param").name), 200),
);
