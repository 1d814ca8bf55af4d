// /v1/compare?runs=A,B[,C…]: runs side by side, each compared with the first.
import { createRoute, z } from "@hono/zod-openapi";
import { Comparison } from "../contract/compare";
import { TOKEN_OPTIONAL } from "../http/auth";
import { compareRuns } from "../lifecycle/compare";
import { createRouter, problemResponses } from "./router";

export const compareApi = createRouter();

const CompareQuery = z.object({
  runs: z.string().max(500).openapi({ description: "2 to 6 run ids, comma-separated; the first is the base the others are compared with.", example: "run_a,run_b" }),
  metric: z.string().max(40).optional().openapi({ description: "The grid suite's metric (default its headline one: paper for needle, nonliteral for non-literal)." }),
});

compareApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/compare",
    summary: "Compare runs (checkpoints) side by side",
    description:
      "The runs' heatmaps on the cells they all tested, each run's difference from the first (per cell and per length, marked where it is beyond probe-level noise: " +
      "Fisher's exact test for 0/1 scores, a permutation test for graded ones, Benjamini–Hochberg over the map), effective lengths, and every shared suite's metrics with deltas and 95 % intervals. " +
      "Runs must be visible to the caller (public, or its own): others answer 404 as unknown ones do.",
    security: TOKEN_OPTIONAL,
    request: { query: CompareQuery },
    responses: { 200: { description: "The comparison", content: { "application/json": { schema: Comparison } } }, ...problemResponses(404, 422) },
  }),
  async (c) => {
    const { runs, metric } = c.req.valid("query");
    return c.json((await compareRuns(c.env, c.get("principal"), runs, metric)).comparison, 200);
  },
);
