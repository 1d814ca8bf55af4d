// The API shapes the CLI reads and writes, taken from the service's own zod schemas (type-only
// imports: nothing of zod is loaded at run time).
import type { z } from "@hono/zod-openapi";
import type { Heatmap as HeatmapSchema, ModelSpec, NeedleSuiteSpec, Run as RunSchema, RunPlan as RunPlanSchema } from "../../api/schemas";

export type Run = z.infer<typeof RunSchema>;
export type RunPlan = z.infer<typeof RunPlanSchema>;
export type Heatmap = z.infer<typeof HeatmapSchema>;
export interface RunPage {
  data: Run[];
  next_cursor: string | null;
}

/**
 * A long-book QA suite. The service may not accept it yet; the CLI sends it anyway so the
 * service's answer (a validation problem until then) is what the user sees.
 */
export interface BookQaSuiteRequest {
  type: "bookqa";
  dataset: string;
  limit?: number;
}

/** POST /v1/runs body: what the user gives (server defaults fill the rest). */
export interface RunRequest {
  model: z.input<typeof ModelSpec>;
  suites: (z.input<typeof NeedleSuiteSpec> | BookQaSuiteRequest)[];
  public?: boolean;
}
