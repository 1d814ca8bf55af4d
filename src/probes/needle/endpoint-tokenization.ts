// How a run with tokenizer "endpoint" counts its lengths, decided once by its first probe and stored
// with the run (runs.tokenization_json): through the server's tokenize route (exact), or calibrated
// against usage.prompt_tokens with a local proxy tokenizer (approximate).
import type { CalibrationSample } from "./endpoint-build";

export type TokenizeFlavor = "vllm" | "llamacpp" | "tgi";

export interface TokenizeRoute {
  url: string;
  flavor: TokenizeFlavor;
}

/** The proxy tokenizer of calibrated runs. */
export const CALIBRATION_PROXY = "cl100k_base" as const;

export type RunTokenization =
  | { mode: "route"; route: TokenizeRoute; fingerprint: string; covered_chars: number }
  | { mode: "calibrated"; proxy: typeof CALIBRATION_PROXY; ratio: number; intercept: number; samples: CalibrationSample[]; reason: string };
