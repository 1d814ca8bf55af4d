// RULER (Hsieh et al. 2024) as a suite: its 11 synthetic tasks generated on the fly with its own
// templates, token-exact in the run's tokenizer (../ruler/), scored as RULER scores them; qa_1 and
// qa_2 over imported SQuAD / HotpotQA files.
//
// Probe points: `contextLength` the length L (prompt ≤ L − tokens_to_generate), `item` = task index
// in the recipe × samples + sample; everything a prompt holds is drawn from the recipe's seed.
import { z } from "zod";
import { isBuiltinCorpusId } from "../corpora";
import { prepareNeedleProbes } from "../needle/build";
import { getHaystack } from "../needle/haystack";
import { rulerFigures, type RulerSample } from "../ruler/aggregate";
import { essayCorpus } from "../ruler/essay";
import { usesEssay } from "../ruler/generate";
import { budgetOf, syntheticProbeAnswers } from "../ruler/probe";
import { RULER_TASKS, SYNTHETIC_TASKS, tokensToGenerate, type RulerTask } from "../ruler/protocol";
import { RULER_METRIC, scoreRuler } from "../ruler/score";
import { KEY_WORDS_VERSION, prepareCweWordPool } from "../ruler/words";
import { getTokenizer } from "../tokenizers";
import type { Corpus } from "../types";
import { buildRulerProbe, generationTokenizer, RULER_GENERATOR_VERSION, rulerCellOf as cellOf, type RulerRecipe } from "./ruler-build";
import { isQaTask, resolveQa } from "./ruler-qa";
import { SuiteSpecError, type SpecIssue } from "./spec-error";
import type { ModelTraits, SettledProbe, SuiteAggregate, SuiteContext, SuiteDefinition } from "./suite";

export { RULER_GENERATOR_VERSION, type RulerRecipe };

/** RULER's lengths (config_models.sh SEQ_LENGTHS), shortest first. */
export const RULER_LENGTHS: readonly number[] = [4096, 8192, 16384, 32768, 65536, 131072];
/** Room for the one-shot examples (cwe ~600 tokens, vt ~500) and some haystack. */
export const MIN_RULER_LENGTH = 1024;

export const RulerSpec = z
  .strictObject({
    type: z.literal("ruler"),
    tasks: z.array(z.enum(RULER_TASKS)).min(1).max(RULER_TASKS.length).optional().meta({
      description: "RULER's task names (default: the 11 synthetic ones). qa_1 (SQuAD) and qa_2 (HotpotQA) need an imported dataset in `qa_datasets`.",
      example: ["niah_single_1", "vt", "cwe"],
    }),
    preset: z.literal("ruler").optional().meta({ description: "RULER's lengths 4K, 8K, 16K, 32K, 64K, 128K within the context window (also the default)." }),
    context_lengths: z.array(z.int()).min(1).max(12).optional().meta({ description: `Lengths L in the model's tokens (${MIN_RULER_LENGTH} at least; each prompt takes at most L − the task's tokens_to_generate).`, example: [4096, 16384] }),
    samples: z.int().min(1).max(500).default(25).meta({ description: "Samples per task and length (RULER uses 500); the whole run must stay within the service's probe cap." }),
    seed: z.int().min(0).max(2_147_483_647).default(0).meta({ description: "Draws every key, value, position and word; the same seed rebuilds the same prompts." }),
    corpus: z.string().min(1).max(64).default("sotu").meta({ description: "The essay haystack (niah_single_2/3, multikey_1, multivalue, multiquery): sotu (default), moby-dick, code or an uploaded corpus." }),
    qa_datasets: z.object({ qa_1: z.string().min(1).max(100).optional(), qa_2: z.string().min(1).max(100).optional() }).strict().optional().meta({
      description: "Imported datasets for the qa tasks: a SQuAD file (task ruler_squad) for qa_1, a HotpotQA file (task ruler_hotpotqa) for qa_2.",
    }),
  })
  .meta({ id: "RulerSuiteSpec" });
export type RulerSpec = z.infer<typeof RulerSpec>;

export const RULER_METRICS = [RULER_METRIC, ...RULER_TASKS] as const;

/**
 * A prompt takes L − tokens_to_generate (RULER's L counts the reply); a model whose max_output_tokens
 * asks for a longer reply needs that room too, within its window (the longest task reply is 128).
 */
const MIN_TOKENS_TO_GENERATE = 30;
const roomForReply = (length: number, model: ModelTraits) => model.maxOutputTokens === undefined || length - MIN_TOKENS_TO_GENERATE + model.maxOutputTokens <= model.contextWindow;
const replyDetail = (length: number, model: ModelTraits) =>
  `${length} leaves room for RULER's replies but not for max_output_tokens ${model.maxOutputTokens} within context_window ${model.contextWindow}: test up to ${model.contextWindow - model.maxOutputTokens! + MIN_TOKENS_TO_GENERATE} or lower max_output_tokens`;

function lengthIssues(spec: RulerSpec, model: ModelTraits, issues: SpecIssue[]): number[] {
  if (spec.context_lengths === undefined) {
    const fitting = RULER_LENGTHS.filter((l) => l <= model.contextWindow && roomForReply(l, model));
    return fitting.length ? fitting : [model.contextWindow];
  }
  spec.context_lengths.forEach((length, i) => {
    if (length < MIN_RULER_LENGTH) issues.push({ path: ["context_lengths", i], detail: `${length} is below this suite's minimum ${MIN_RULER_LENGTH}` });
    if (length > model.contextWindow) issues.push({ path: ["context_lengths", i], detail: `${length} is above the model's context_window ${model.contextWindow}` });
    else if (!roomForReply(length, model)) issues.push({ path: ["context_lengths", i], detail: replyDetail(length, model) });
  });
  return [...new Set(spec.context_lengths)].sort((a, b) => a - b);
}

function taskIssues(spec: RulerSpec, issues: SpecIssue[]): RulerTask[] {
  const tasks = [...new Set(spec.tasks ?? SYNTHETIC_TASKS)];
  (spec.tasks ?? []).forEach((task, i) => {
    if ((task === "qa_1" || task === "qa_2") && !spec.qa_datasets?.[task]) {
      issues.push({ path: ["tasks", i], detail: `${task} asks questions of an imported ${task === "qa_1" ? "SQuAD" : "HotpotQA"} dataset: import one (POST /v1/datasets?task=${task === "qa_1" ? "ruler_squad" : "ruler_hotpotqa"}) and name it in qa_datasets.${task}` });
    }
  });
  return tasks;
}

/** The essay corpus's tokens in the tokenizer prompts are generated in (for "endpoint" runs, the proxy's: the endpoint's are unknown before the run). */
async function essayHaystackTokens(recipe: Pick<RulerRecipe, "tokenizer">, corpus: Corpus, context: SuiteContext): Promise<number> {
  const essay = essayCorpus(corpus);
  const tokenizer = generationTokenizer(recipe);
  await prepareNeedleProbes(tokenizer, essay, context.boundaryStore);
  return getHaystack(getTokenizer(tokenizer), essay).ids.length;
}

export const rulerSuite: SuiteDefinition<RulerSpec, RulerRecipe> = {
  type: "ruler",
  spec: RulerSpec,
  metrics: RULER_METRICS,

  async resolve(spec, model, index, context) {
    const issues: SpecIssue[] = [];
    const lengths = lengthIssues(spec, model, issues);
    const tasks = taskIssues(spec, issues);
    const corpus = await context.loadCorpus(spec.corpus);
    if (!corpus) issues.push({ path: ["corpus"], detail: `unknown corpus "${spec.corpus}"; see GET /v1/corpora for the built-in and uploaded ones` });
    const qa = await resolveQa(tasks, spec.qa_datasets, spec.samples, context, issues);
    if (issues.length || !corpus) throw SuiteSpecError.of(issues);
    const recipe: RulerRecipe = {
      type: "ruler",
      index,
      tokenizer: model.tokenizer,
      api: model.api,
      tasks,
      context_lengths: lengths,
      samples: spec.samples,
      seed: spec.seed,
      corpus: corpus.id,
      corpus_version: corpus.version,
      key_words_version: KEY_WORDS_VERSION,
      cwe_words_version: tasks.includes("cwe") ? (await prepareCweWordPool()).version : "",
      generator_version: RULER_GENERATOR_VERSION,
      ...(Object.keys(qa).length ? { qa } : {}),
    };
    // Built-in corpora hold ≥ 190K tokens in every tokenizer; an uploaded one must hold the longest length.
    if (tasks.some(usesEssay) && !isBuiltinCorpusId(corpus.id)) {
      const available = await essayHaystackTokens(recipe, corpus, context);
      if (available < Math.max(...lengths)) throw new SuiteSpecError(["corpus"], `corpus "${corpus.id}" has ${available} ${generationTokenizer(recipe)} tokens; the longest context length asks for ${Math.max(...lengths)}`);
    }
    return recipe;
  },

  // Longest lengths first; within a length the essay tasks side by side (their prompts open alike).
  plan(recipe) {
    const lengths = [...recipe.context_lengths].sort((a, b) => b - a);
    return lengths.flatMap((contextLength) =>
      recipe.tasks.flatMap((_, t) =>
        Array.from({ length: recipe.samples }, (_, sample) => ({ suiteIndex: recipe.index, suiteType: "ruler", contextLength, depthPercent: null, item: t * recipe.samples + sample })),
      ),
    );
  },

  // Every prompt lands within 1 % of its budget: the budget is the estimate.
  async estimatePromptTokens(recipe, points) {
    return points.reduce((sum, point) => sum + budgetOf(cellOf(recipe, point)), 0);
  },

  maxTokens(recipe, point) {
    return tokensToGenerate(cellOf(recipe, point).task);
  },

  // "endpoint" runs: generated in the proxy tokenizer at the proxy budget the probe's first build fixed.
  build(recipe, point, context) {
    return buildRulerProbe(recipe, point, context);
  },

  score(recipe, point, response) {
    const cell = cellOf(recipe, point);
    const answers = isQaTask(cell.task) ? recipe.qa?.[cell.task]?.answers[cell.sample] : syntheticProbeAnswers(recipe, cell);
    if (!answers) throw new Error(`RULER ${cell.task} has no answers for sample ${cell.sample}`);
    return scoreRuler(cell.task, response, answers);
  },

  aggregate(recipe, probes) {
    return rulerAggregate(recipe, probes);
  },

  storedData(recipe) {
    const datasets = Object.values(recipe.qa ?? {}).map((pin) => pin.dataset);
    return { ...(recipe.tasks.some(usesEssay) ? { corpora: [recipe.corpus] } : {}), ...(datasets.length ? { datasets } : {}) };
  },
};

function rulerAggregate(recipe: RulerRecipe, probes: SettledProbe[]): Partial<SuiteAggregate> {
  const samples: RulerSample[] = probes.flatMap((p) => {
    const score = p.scores?.[RULER_METRIC];
    if (p.status !== "scored" || typeof score !== "number" || p.contextLength === null || p.item === null) return [];
    return [{ task: recipe.tasks[Math.floor(p.item / recipe.samples)]!, contextLength: p.contextLength, score }];
  });
  const figures = rulerFigures(recipe, samples);
  const scores: Record<string, number | null> = { [RULER_METRIC]: figures.average };
  for (const task of recipe.tasks) scores[task] = figures.by_task[task]?.mean ?? null;
  const by_length = Object.fromEntries(
    figures.context_lengths.map((length) => [
      String(length),
      { [RULER_METRIC]: figures.average_by_length[String(length)]?.mean ?? null, ...Object.fromEntries(recipe.tasks.map((t) => [t, figures.by_task[t]?.by_length[String(length)]?.mean ?? null])) },
    ]),
  );
  return { scores, by_length, context_lengths: figures.context_lengths, corpus: recipe.corpus, ruler: figures };
}
