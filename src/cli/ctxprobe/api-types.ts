// The API shapes the CLI reads and writes, taken from the service's own contract (type-only
// imports: nothing of zod is loaded at run time).
import type { z } from "zod";
import type { ModelSpec } from "../../contract/model";
import type { Heatmap, Run, RunPlan } from "../../contract/run";
import type { PreflightReport } from "../../contract/preflight";
import type { BookQaSpec } from "../../probes/suites/bookqa";
import type { NeedleSpec } from "../../probes/suites/needle";
import type { LossSpec } from "../../probes/suites/loss";
import type { MmluSpec } from "../../probes/suites/mmlu";
import type { NonliteralSpec } from "../../probes/suites/nonliteral";
import type { RulerSpec } from "../../probes/suites/ruler";

export type { Heatmap, PreflightReport, Run, RunPlan };
export interface RunPage {
  data: Run[];
  next_cursor: string | null;
}

export type NeedleSuiteInput = z.input<typeof NeedleSpec>;
export type NonliteralSuiteInput = z.input<typeof NonliteralSpec>;
export type LossSuiteInput = z.input<typeof LossSpec>;
export type MmluSuiteInput = z.input<typeof MmluSpec>;
export type RulerSuiteInput = z.input<typeof RulerSpec>;

/** POST /v1/runs body: what the user gives (server defaults fill the rest). */
export interface RunRequest {
  model: z.input<typeof ModelSpec>;
  suites: (NeedleSuiteInput | z.input<typeof BookQaSpec> | NonliteralSuiteInput | LossSuiteInput | MmluSuiteInput | RulerSuiteInput)[];
  public?: boolean;
}
