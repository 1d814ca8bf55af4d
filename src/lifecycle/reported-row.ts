// A leaderboard row for numbers a paper reported (never measured here): everything a measured run
// has that a published table does not is null, so reported rows of every source share one shape.
import type { LeaderboardRow } from "../contract/leaderboard";

export function reportedRow(model: LeaderboardRow["model"], source: string, suites: LeaderboardRow["suites"], extra: Partial<LeaderboardRow> = {}): LeaderboardRow {
  return {
    run_id: null,
    model,
    reference: false,
    series: null,
    step: null,
    reported: true,
    source,
    tokens_processed: null,
    suites,
    effective_context_length: null,
    effective_context_length_interval: null,
    nonliteral_effective_context_length: null,
    literal_gap: null,
    literal_gap_interval: null,
    ruler_effective_context_length: null,
    ruler_effective_context_length_interval: null,
    loss_at: null,
    serving: null,
    warnings: [],
    finished_at: null,
    protocol: null,
    protocols: [],
    rank: null,
    longest_length: null,
    prompt_tokens: null,
    cost_usd: null,
    ...extra,
  };
}
