// Silent truncation: a server that cuts a long prompt to its own window (Ollama's default num_ctx,
// a llama.cpp context below the model's) answers as if nothing happened, and a cut that loses the
// needle would read as "the model failed". Its reported usage.prompt_tokens gives it away: far
// fewer tokens than we sent — fewer than any tokenizer difference explains.

/** Tokenizers that agree (ratio within 1 %) leave only the tokenizer tolerance, 1 %. */
export const AGREEING_TOLERANCE = 0.01;
/** Otherwise the server-per-local ratio, measured on one text, varies by text: allow 5 %. */
export const RATIO_TOLERANCE = 0.05;
/**
 * With no ratio measured, only a shortfall beyond any tokenizer difference counts: the five local
 * tokenizers differ by up to ~30 % on English prose, more on code, never by half.
 */
export const UNCALIBRATED_FLOOR = 0.5;

/**
 * Whether a reported prompt count says the server cut the prompt. `ratio`: the server's tokens per
 * token of our tokenizer, measured by the run's preflight (1 when lengths are the server's own
 * counts, tokenizer "endpoint"); null when it could not be measured.
 */
export function promptWasCut(expected: number, reported: number | null, ratio: number | null): boolean {
  if (reported === null || expected <= 0) return false;
  if (ratio === null || !(ratio > 0)) return reported < UNCALIBRATED_FLOOR * expected;
  const tolerance = Math.abs(ratio - 1) <= AGREEING_TOLERANCE ? AGREEING_TOLERANCE : RATIO_TOLERANCE;
  return reported < expected * ratio * (1 - tolerance);
}
