// What every suite is (in inspect_ai's terms: dataset + solver + scorer): it validates a submitted
// spec (its own zod schema), freezes it into a recipe, enumerates its probes, rebuilds any probe's
// prompt deterministically from the recipe, scores a response and adds its own figures to the run
// aggregate. The registry of suites is ./index.ts; this module holds only the shapes they share.
import type { z } from "zod";
import type { BoundaryStore } from "../needle/boundary-cache";
import type { EndpointBuild } from "../needle/endpoint-build";
import type { Api, BuiltPrompt, Corpus, ModelTokenizer, ProbeScores, ProbeStatus } from "../types";
import type { NonliteralProbeFacts } from "../nonliteral/facts";
import type { NonliteralFigures } from "../nonliteral/figures";
import type { RulerEndpointBuild } from "../ruler/endpoint-fit";
import type { RulerProbeFacts } from "../ruler/facts";
import type { RulerFigures } from "../ruler/figures";
import type { RulerQaDataset } from "../ruler/qa-data";
import type { LossFigures } from "../loss/figures";
import type { McFigures } from "../mmlu/figures";
import type { LoadedMcDataset } from "../mmlu/types";
import type { LoadedBookQaDataset } from "./bookqa-datasets";
import type { EffectiveLength, Interval } from "./effective-length";

/**
 * What an endpoint-tokenized probe's first build fixes and stores (probes.build_json): a needle
 * probe's character cuts, a RULER probe's proxy budget. Rebuilds read it instead of the endpoint.
 */
export type ProbeBuild = EndpointBuild | RulerEndpointBuild;

/** What planning needs from the model being evaluated. */
export interface ModelTraits {
  api: Api;
  tokenizer: ModelTokenizer;
  contextWindow: number;
  /** The model's max_output_tokens: every generating call's budget (./output-budget.ts), which a prompt must leave room for. */
  maxOutputTokens?: number;
}

/** What suites may ask of the service around them (storage stays outside the probe science). */
export interface SuiteContext {
  /** A built-in or uploaded corpus by id; null when there is none. */
  loadCorpus(id: string): Promise<Corpus | null>;
  /** A built-in or imported book QA dataset with its first `limit` questions; null when there is none. */
  loadBookQaDataset(id: string, limit?: number): Promise<LoadedBookQaDataset | null>;
  /** A book's text by the reference its questions carry; null when it is gone. */
  loadBook(ref: string): Promise<string | null>;
  /** A built-in or imported multiple-choice (MMLU-format) dataset; null when there is none. */
  loadMcDataset(id: string): Promise<LoadedMcDataset | null>;
  /** An imported RULER QA dataset (SQuAD or HotpotQA as RULER reads them) with its revision; null when there is none. */
  loadRulerQaDataset?(id: string): Promise<{ dataset: RulerQaDataset; revision: string } | null>;
  /** Persistent storage of haystack tokenizations (R2 in the Worker); absent = per-isolate memory only. */
  boundaryStore?: BoundaryStore | null;
}

/** One cell of a suite's plan; its position in the run is its `idx`. */
export interface ProbePoint {
  suiteIndex: number;
  /** The `type` of the suite's recipe. */
  suiteType: string;
  contextLength: number | null;
  depthPercent: number | null;
  /** Dataset suites: the item's position in the recipe's frozen item list. */
  item: number | null;
  /** Probes counted in the endpoint's tokenizer: what the probe's first build fixed (probes.build_json). */
  build?: ProbeBuild | null;
}

export interface BuiltProbe {
  prompt: BuiltPrompt;
  /** Tokens of the context as built (haystack + needle for needle probes). */
  constructedTokens: number;
  /** Tokens the whole prompt has in the suite's tokenizer, template included. */
  expectedPromptTokens: number;
  maxTokens: number;
  /** What the probe holds, stored with it for audits (non-literal: pair, character, positions). */
  facts?: NonliteralProbeFacts;
  /** RULER: the task, sample, query and expected answers (stored in the same column as `facts`). */
  rulerFacts?: RulerProbeFacts;
  /**
   * What the call asks for: a generated answer (default); the prompt's log-probabilities (loss); or
   * a multiple-choice answer (`choice`), scored by `choiceScoring` (auto: log-likelihood where the
   * endpoint offers top log-probabilities).
   */
  measure?: "prompt_logprobs" | "choice";
  choiceScoring?: "auto" | "loglikelihood" | "generate";
}

/** What a reply brought beside its text: the prompt's per-position log-probabilities, for loss probes. */
export interface ProbeReply {
  promptLogprobs?: readonly (number | null)[];
  /** Multiple choice in log-likelihood mode: the first generated token's top log-probabilities. */
  topLogprobs?: Readonly<Record<string, number>>;
}

/** A probe as the aggregates see it once it has settled (or not yet). */
export interface SettledProbe {
  suiteIndex: number;
  status: ProbeStatus;
  contextLength: number | null;
  depthPercent: number | null;
  /** Dataset suites: the item's position; non-literal: kind index × pairs + repetition. */
  item: number | null;
  scores: ProbeScores | null;
}

/** Metric → mean on a 0–100 scale, null when nothing was scored. */
export type ScoreMap = Record<string, number | null>;

/** Needle: effective context length on `contains`, with its 95 % bootstrap interval. */
export type EffectiveLengthAggregate = EffectiveLength & { metric: "contains" };

/** One suite's part of a run's results (runs.results_json): the common counts and means, and each suite's own figures. */
export interface SuiteAggregate {
  index: number;
  type: string;
  effective_context_length?: EffectiveLengthAggregate;
  /** Needle: `contains` mean per length (0–1) with a 95 % bootstrap interval. */
  by_length_ci?: Record<string, Interval>;
  corpus?: string;
  tokenizer: string;
  context_lengths?: number[];
  depth_percents?: number[];
  probes: number;
  scored: number;
  unscorable: number;
  failed: number;
  truncated: number;
  incomplete: number;
  scores: ScoreMap;
  by_length?: Record<string, ScoreMap>;
  by_depth?: Record<string, ScoreMap>;
  dataset?: string;
  dataset_revision?: string;
  task?: string;
  window?: number;
  no_context?: boolean;
  /** Book QA: question ids in probe order (a probe's item indexes this list). */
  question_ids?: string[];
  /** Non-literal: per-kind figures, the pooled non-literal headline and the literal gap. */
  nonliteral?: NonliteralFigures;
  /** Loss: Loss@L per domain and pooled, and each domain's position curve. */
  loss?: LossFigures;
  /** Multiple choice: micro and macro accuracy, per subject and per MMLU group. */
  mmlu?: McFigures;
  /** RULER: per task × length means, the RULER average and effective length. */
  ruler?: RulerFigures;
}

export interface SuiteDefinition<Spec, Recipe extends { type: string; index: number; tokenizer: string }> {
  type: Recipe["type"];
  /** The submitted spec's schema: validates it and documents it in the OpenAPI document. */
  spec: z.ZodType<Spec>;
  /** Metric names, the headline metric first. */
  metrics: readonly string[];
  /** Freezes a spec into a recipe; throws SuiteSpecError for a bad spec. */
  resolve(spec: Spec, model: ModelTraits, index: number, context: SuiteContext): Promise<Recipe>;
  plan(recipe: Recipe): ProbePoint[];
  /** Estimated prompt tokens of these probes (dry runs), without building them. */
  estimatePromptTokens(recipe: Recipe, points: ProbePoint[]): Promise<number>;
  /** max_tokens the probe asks for (for cost estimates without building prompts). */
  maxTokens(recipe: Recipe, point: ProbePoint): number;
  /** Rebuilds a probe's exact prompt; deterministic for a recipe and a point. */
  build(recipe: Recipe, point: ProbePoint, context: SuiteContext): Promise<BuiltProbe>;
  score(recipe: Recipe, point: ProbePoint, response: string, reply?: ProbeReply): ProbeScores;
  /** The suite's own figures of the run aggregate, beside the common counts and metric means. */
  aggregate(recipe: Recipe, probes: SettledProbe[]): Partial<SuiteAggregate>;
  /** The stored corpora and datasets its prompts are made from (who may rebuild them depends on who may see these). */
  storedData(recipe: Recipe): { corpora?: string[]; datasets?: string[] };
}

/**
 * Whether an endpoint's usage.prompt_tokens disagrees with ours by more than 1 %: a sign the run's
 * tokenizer is not the model's, so lengths are not what they claim. Servers may add a BOS token,
 * and chat servers add their chat template (a few tokens per message), which is allowed for.
 */
export function tokenCountMismatch(prompt: BuiltPrompt, expected: number, reported: number | null): boolean {
  if (reported === null) return false;
  const framing = prompt.api === "chat" ? 1 + 8 * prompt.messages.length : 1;
  const difference = reported - expected;
  return difference > Math.max(0.01 * expected, framing) || difference < -0.01 * expected;
}
