// Short-context retention (the paper's Table 3 "MMLU" column), as a suite: the dataset is an
// MMLU-format multiple-choice set (imported, or the built-in smoke set), the solver MMLU's k-shot
// prompt, the scorer the option letter by log-likelihood where the endpoint offers top
// log-probabilities, else by the letter its reply names.
//
// Probe points: `item` = position in the recipe's frozen question list. The recipe keeps what
// scoring needs compactly (a dataset position, a subject index and an answer digit per question),
// so a 14,042-question MMLU run stays a small row; the texts are read from the pinned revision.
import { z } from "zod";
import { mcFigures } from "../mmlu/aggregate";
import { GENERATE_MAX_TOKENS, mmluPrompt, STANDARD_SHOTS } from "../mmlu/prompt";
import { scoreMc } from "../mmlu/score";
import { SMOKE_SET_ID } from "../mmlu/smoke-set";
import type { McItem } from "../mmlu/types";
import { getTokenizer, loadTokenizer } from "../tokenizers";
import type { Api, BuiltPrompt, TokenizerName } from "../types";
import { resolveMcSpec } from "../mmlu/resolve";
import type { ProbePoint, SuiteDefinition } from "./suite";

export const MMLU_METRICS = ["micro", "macro"] as const;
export const MC_SCORING_REQUESTS = ["auto", "loglikelihood", "generate"] as const;

export const MmluSpec = z
  .strictObject({
    type: z.literal("mmlu"),
    dataset: z.string().min(1).max(100).default(SMOKE_SET_ID).meta({
      description: `A multiple-choice dataset: an MMLU-format import (POST /v1/datasets?task=mmlu) or the built-in ${SMOKE_SET_ID} (our smoke test, not MMLU).`,
    }),
    shots: z.int().min(0).max(STANDARD_SHOTS).default(STANDARD_SHOTS).meta({ description: "Few-shot examples per prompt, from the subject's dev split (MMLU's standard: 5)." }),
    subjects: z.array(z.string().min(1).max(100)).min(1).max(100).optional().meta({ description: "Only these subjects (default all of the dataset's)." }),
    limit: z.int().min(1).max(20_000).optional().meta({ description: "Only the first N questions (after the subject filter)." }),
    scoring: z.enum(MC_SCORING_REQUESTS).default("auto").meta({
      description: "loglikelihood: the option letter with the highest top log-probability as the first generated token (lm-evaluation-harness's method); generate: the letter read from a short reply; auto: loglikelihood where the endpoint returns top log-probabilities, else generate (the run records which).",
    }),
  })
  .meta({ id: "MmluSuiteSpec" });
export type MmluSpec = z.infer<typeof MmluSpec>;

export interface MmluRecipe {
  type: "mmlu";
  index: number;
  tokenizer: TokenizerName;
  api: Api;
  dataset: string;
  dataset_revision: string;
  shots: number;
  shots_from: "dev" | "first_items";
  scoring: (typeof MC_SCORING_REQUESTS)[number];
  /** The subjects asked, in first-seen order; `item_subjects` indexes it. */
  subjects: string[];
  /** Per question asked: its position in the dataset, its subject's index, and its answer (digits 0–3). */
  item_positions: number[];
  item_subjects: number[];
  answers: string;
}

function itemIndex(recipe: MmluRecipe, point: ProbePoint): number {
  if (point.item === null || point.item < 0 || point.item >= recipe.item_positions.length) throw new Error(`mmlu suite ${recipe.index} has no question ${String(point.item)}`);
  return point.item;
}

const subjectOf = (recipe: MmluRecipe, item: number) => recipe.subjects[recipe.item_subjects[item]!]!;

function promptTokens(tokenizer: TokenizerName, prompt: BuiltPrompt): number {
  const encode = (text: string) => getTokenizer(tokenizer).encode(text).length;
  return prompt.api === "completions" ? encode(prompt.prompt) : prompt.messages.reduce((sum, m) => sum + encode(m.content), 0);
}

export const mmluSuite: SuiteDefinition<MmluSpec, MmluRecipe> = {
  type: "mmlu",
  spec: MmluSpec,
  metrics: MMLU_METRICS,

  async resolve(spec, model, index, context) {
    const { dataset, items } = await resolveMcSpec(spec, model, context);
    const subjects = [...new Set(items.map((i) => i.item.subject))];
    return {
      type: "mmlu",
      index,
      tokenizer: model.tokenizer as TokenizerName,
      api: model.api,
      dataset: dataset.id,
      dataset_revision: dataset.revision,
      shots: spec.shots,
      shots_from: dataset.shots_from,
      scoring: spec.scoring,
      subjects,
      item_positions: items.map((i) => i.position),
      item_subjects: items.map((i) => subjects.indexOf(i.item.subject)),
      answers: items.map((i) => String(i.item.answer)).join(""),
    };
  },

  plan(recipe) {
    return recipe.item_positions.map((_, item) => ({ suiteIndex: recipe.index, suiteType: "mmlu" as const, contextLength: null, depthPercent: null, item }));
  },

  // MMLU prompts are short (~300–900 tokens with 5 shots): estimated, not built, at ~4 characters per token.
  async estimatePromptTokens(recipe, points) {
    return points.length * (120 + recipe.shots * 110);
  },

  maxTokens(recipe) {
    return recipe.scoring === "loglikelihood" ? 1 : GENERATE_MAX_TOKENS[recipe.api];
  },

  async build(recipe, point, context) {
    const item = itemIndex(recipe, point);
    const dataset = await context.loadMcDataset(recipe.dataset);
    if (!dataset) throw new Error(`dataset ${recipe.dataset} of this run no longer exists`);
    if (dataset.revision !== recipe.dataset_revision) throw new Error(`dataset ${recipe.dataset} changed since the run was planned (${recipe.dataset_revision} → ${dataset.revision})`);
    const question: McItem | undefined = dataset.items[recipe.item_positions[item]!];
    if (!question) throw new Error(`dataset ${recipe.dataset} has no question at ${recipe.item_positions[item]}`);
    const subject = subjectOf(recipe, item);
    const prompt = mmluPrompt(recipe.api, subject, (dataset.dev[subject] ?? []).slice(0, recipe.shots), question);
    await loadTokenizer(recipe.tokenizer);
    const tokens = promptTokens(recipe.tokenizer, prompt);
    return { prompt, constructedTokens: tokens, expectedPromptTokens: tokens, maxTokens: GENERATE_MAX_TOKENS[recipe.api], measure: "choice", choiceScoring: recipe.scoring };
  },

  score(recipe, point, response, reply) {
    const item = itemIndex(recipe, point);
    const answer = Number(recipe.answers[item]) as McItem["answer"];
    return scoreMc(answer, { text: response, ...(reply?.topLogprobs ? { topLogprobs: reply.topLogprobs } : {}) });
  },

  // Accuracies are 0–100 like other scores; macro is the mean over subjects, not over questions.
  aggregate(recipe, probes) {
    const figures = mcFigures({ subjects: recipe.item_subjects.map((s) => recipe.subjects[s]!), shots: recipe.shots, shots_from: recipe.shots_from }, probes);
    return { scores: { micro: figures.micro?.acc ?? null, macro: figures.macro?.acc ?? null }, dataset: recipe.dataset, dataset_revision: recipe.dataset_revision, mmlu: figures };
  },

  storedData(recipe) {
    return recipe.dataset === SMOKE_SET_ID ? {} : { datasets: [recipe.dataset] };
  },
};
