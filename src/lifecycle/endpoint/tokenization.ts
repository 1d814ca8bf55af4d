// How a run with tokenizer "endpoint" counts its lengths (runs.tokenization_json), as the API
// reads it back. Decided by src/lifecycle/endpoint/needle.ts.
import type { RunRow } from "../../db/schema";
import type { CalibrationSample } from "../../probes/needle/endpoint-build";
import type { TokenizeRoute } from "./tokenize-route";

/** The proxy tokenizer of calibrated runs. */
export const CALIBRATION_PROXY = "cl100k_base" as const;

export type RunTokenization =
  | { mode: "route"; route: TokenizeRoute; fingerprint: string; covered_chars: number }
  | { mode: "calibrated"; proxy: typeof CALIBRATION_PROXY; ratio: number; intercept: number; samples: CalibrationSample[]; reason: string };

export function runTokenizationOf(run: Pick<RunRow, "tokenizationJson">): RunTokenization | null {
  return run.tokenizationJson ? (JSON.parse(run.tokenizationJson) as RunTokenization) : null;
}
