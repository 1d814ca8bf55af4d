// A leaderboard row: one public succeeded run (or a number reported in the paper), with its
// headline scores per suite type and its effective context length.
import { z } from "zod";
import { PublicModel } from "./model";
import { RunWarning, ScoreMap } from "./run";

export const LeaderboardRow = z
  .object({
    run_id: z.string().nullable().meta({ description: "Null for rows reported in the paper." }),
    model: PublicModel.partial().extend({ name: z.string() }),
    reference: z.boolean(),
    reported: z.boolean().meta({ description: "True for numbers reported in the paper (?include=reported), never measured here." }),
    series: z.string().nullable(),
    step: z.int().nullable(),
    source: z.string().nullable().meta({ description: "Where a reported row comes from." }),
    tokens_processed: z.int().nullable().meta({ description: "Prompt + completion tokens the endpoint reported for the run." }),
    suites: z.record(z.string(), ScoreMap).meta({ description: "Suite type → metric means (first suite of each type): 0–100, except loss's, in nats." }),
    effective_context_length: z.int().nullable().meta({ description: "Of the first needle suite; see SuiteResult.effective_context_length." }),
    effective_context_length_interval: z.tuple([z.int().nullable(), z.int().nullable()]).nullable().meta({ description: "Its 95 % bootstrap interval." }),
    nonliteral_effective_context_length: z.int().nullable().meta({
      description: "Of the first non-literal suite: one_hop and two_hop pooled, relative 85 % rule (see SuiteResult.nonliteral). Its score is suites.nonliteral.nonliteral.",
    }),
    literal_gap: z.int().nullable().meta({ description: "Of the first non-literal suite: literal minus non-literal effective length, in tokens (relative rule)." }),
    literal_gap_interval: z.tuple([z.int().nullable(), z.int().nullable()]).nullable().meta({ description: "Its 95 % bootstrap interval." }),
    ruler_effective_context_length: z.int().nullable().optional().meta({
      description: "Of the first RULER suite: the largest length up to which every length's RULER average stays ≥ 85.6 (RULER's rule; see SuiteResult.ruler). Its score is suites.ruler.ruler, the RULER average.",
    }),
    ruler_effective_context_length_interval: z.tuple([z.int().nullable(), z.int().nullable()]).nullable().optional().meta({ description: "Its 95 % bootstrap interval." }),
    serving: z.object({ engine: z.string().nullable(), version: z.string().nullable() }).nullable().meta({ description: "The serving engine and version the endpoint reported (see Run.serving)." }),
    loss_at: z.record(z.string(), z.number()).nullable().meta({
      description: "Of the first loss suite: context length → Loss@L, the mean NLL in nats over all its domains' texts (lower is better; sort with loss@<L>). Its suites.loss holds nats, not 0–100.",
    }),
    warnings: z.array(RunWarning.shape.code).meta({
      description: "The run's warnings (see Run.warnings): truncated, token_mismatch and tokenizer_disagrees mean its lengths are not what they claim; ?valid=only hides those runs.",
    }),
    finished_at: z.string().nullable(),
    protocol: z.string().nullable().meta({
      description:
        "The run's primary protocol (type:grid:corpus:tokenizer, e.g. needle:paper:sotu:llama2): its first needle suite's, else its first suite's. Null for reported rows. Rows compare only within one protocol.",
      example: "needle:paper:sotu:llama2",
    }),
    protocols: z.array(z.string()).meta({ description: "Every protocol the run has, one per suite type (the first suite of each type), the primary one first; ?protocol= keeps runs that have it." }),
    rank: z.int().nullable().meta({ description: "Position by `sort` among the measured rows returned (ties share a rank, 1, 2, 2, 4); null for reported rows and rows without the sorted value." }),
    longest_length: z.int().nullable().meta({ description: "The longest context length any of the run's suites tested (book QA: its window), in tokens." }),
    prompt_tokens: z.int().nullable().meta({ description: "Prompt tokens the endpoint reported for the run." }),
    cost_usd: z.number().nullable().meta({ description: "From the model's prices (see Run.usage.cost_usd); null without prices." }),
  })
  .meta({ id: "LeaderboardRow" });

export type LeaderboardRow = z.infer<typeof LeaderboardRow>;

export const LeaderboardProtocol = z
  .object({
    id: z.string().meta({ example: "needle:paper:sotu:llama2" }),
    label: z.string().meta({ example: "needle · paper grid (40 × 10) · sotu · llama2" }),
    runs: z.int().meta({ description: "Runs (after the other filters) that have this protocol." }),
  })
  .meta({ id: "LeaderboardProtocol" });

export type LeaderboardProtocol = z.infer<typeof LeaderboardProtocol>;
