// How a multiple-choice answer is scored, as lm-evaluation-harness does where the endpoint allows:
// `loglikelihood` — the option letter with the highest log-probability as the first generated
// token (its top log-probabilities); `generate` — a few generated tokens, the letter extracted.
export const MC_SCORING_MODES = ["loglikelihood", "generate"] as const;
export type McScoringMode = (typeof MC_SCORING_MODES)[number];

/** What a run decided at its first multiple-choice probe, and why. */
export interface RunMcScoring {
  mode: McScoringMode;
  /** Why `generate` was used although `auto` was asked (the endpoint's reply had no top log-probabilities). */
  reason?: string;
}
