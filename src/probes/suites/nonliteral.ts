// Needles a keyword search cannot find, as a suite: the dataset is our own needle set (literal,
// one-hop and two-hop pairs with distractors), the solver a book-excerpt prompt asking for a
// character, the scorer whether the reply names that character (or a distractor's person).
//
// Probe points: `contextLength` × `depthPercent` as in the needle grid, and `item` = kind index ×
// pairs + repetition; everything else a probe holds is drawn from the recipe's seed (../nonliteral/draw.ts).
import { z } from "zod";
import { nonliteralFigures } from "../nonliteral/aggregate";
import { drawProbe, MAX_PAIRS_PER_CELL } from "../nonliteral/draw";
import { NEEDLE_SET_VERSION } from "../nonliteral/needle-set";
import { buildNonliteralProbe, estimateNonliteralPromptTokens, prepareNonliteralProbes, scoreNonliteralProbe, type HaystackOrder } from "../nonliteral/probe";
import { resolveNonliteralGrid } from "../nonliteral/resolve";
import { NONLITERAL_METRICS } from "../nonliteral/score";
import { MAX_TOKENS } from "../nonliteral/template";
import { NEEDLE_KINDS, type NeedleKind } from "../nonliteral/types";
import { loadTokenizer } from "../tokenizers";
import type { Api, TokenizerName } from "../types";
import { groupMeans } from "./means";
import type { ProbePoint, SettledProbe, SuiteAggregate, SuiteDefinition } from "./suite";

export const NonliteralSpec = z
  .strictObject({
    type: z.literal("nonliteral"),
    preset: z.enum(["paper", "kamradt", "quick"]).optional().meta({
      description: "The needle suite's grids (paper: 40 lengths × 10 depths; kamradt 15 × 15; quick 6 × 5). Default: lengths 1K, 2K, 4K … 32K and on, doubling, up to the context window (at most 128K), × depths 0, 25, 50, 75, 100.",
    }),
    context_lengths: z.array(z.int()).min(1).max(200).optional().meta({ description: "Prompt lengths in the model's tokens (at least 500); overrides the default or preset lengths.", example: [1000, 8000, 32000] }),
    depth_percents: z.array(z.int()).min(1).max(101).optional().meta({ description: "Needle depths in percent of the haystack; overrides the default or preset depths.", example: [0, 50, 100] }),
    corpus: z.string().min(1).max(64).default("moby-dick").meta({ description: "Haystack corpus id: moby-dick (default), sotu, code or an uploaded one." }),
    kinds: z.array(z.enum(NEEDLE_KINDS)).min(1).max(NEEDLE_KINDS.length).default([...NEEDLE_KINDS]).meta({
      description: "literal (the question repeats the needle's words: the control), one_hop, two_hop (no word shared; one or two steps of inference). Default all three.",
    }),
    distractors: z.literal([0, 1, 4]).default(0).meta({ description: "Distractors per prompt: sentences that overlap the question but do not answer it, placed at seeded depths at least 20 points from the needle." }),
    haystack_order: z.enum(["coherent", "shuffled"]).default("coherent").meta({ description: "coherent: the corpus as written; shuffled: its sentences in a seeded random order (Context Rot's control)." }),
    pairs: z.int().min(1).max(MAX_PAIRS_PER_CELL).default(2).meta({ description: "Needle/question pairs per kind in each (length, depth) cell; the same pairs at every length." }),
    seed: z.int().min(0).max(2_147_483_647).default(0).meta({ description: "Draws pairs, character names, distractors and their depths (and the shuffle)." }),
  })
  .meta({ id: "NonliteralSuiteSpec" });
export type NonliteralSpec = z.infer<typeof NonliteralSpec>;

export interface NonliteralRecipe {
  type: "nonliteral";
  index: number;
  corpus: string;
  corpus_version: string;
  /** Prompts are rebuilt from this version of the set and its character names only. */
  needle_set_version: string;
  tokenizer: TokenizerName;
  api: Api;
  context_lengths: number[];
  depth_percents: number[];
  kinds: NeedleKind[];
  distractors: number;
  haystack_order: HaystackOrder;
  pairs: number;
  seed: number;
}

const cellOf = (point: ProbePoint) => {
  if (point.contextLength === null || point.depthPercent === null || point.item === null) throw new Error("non-literal probe without length, depth or item");
  return { contextLength: point.contextLength, depthPercent: point.depthPercent, item: point.item };
};

export const nonliteralSuite: SuiteDefinition<NonliteralSpec, NonliteralRecipe> = {
  type: "nonliteral",
  spec: NonliteralSpec,
  metrics: NONLITERAL_METRICS,

  async resolve(spec, model, index, context) {
    const { corpus, grid } = await resolveNonliteralGrid(spec, model, context);
    return {
      type: "nonliteral",
      index,
      corpus: corpus.id,
      corpus_version: corpus.version,
      needle_set_version: NEEDLE_SET_VERSION,
      tokenizer: model.tokenizer as TokenizerName,
      api: model.api,
      context_lengths: grid.contextLengths,
      depth_percents: grid.depthPercents,
      kinds: [...new Set(spec.kinds)],
      distractors: spec.distractors,
      haystack_order: spec.haystack_order,
      pairs: spec.pairs,
      seed: spec.seed,
    };
  },

  // Prefix-cache-aware, as the needle suite: by the position of a prompt's first insert, deepest
  // first, so each probe opens with a prefix of what an earlier one sent (then longest first).
  plan(recipe) {
    const items = recipe.kinds.length * recipe.pairs;
    const points = recipe.context_lengths.flatMap((contextLength) =>
      recipe.depth_percents.flatMap((depthPercent) =>
        Array.from({ length: items }, (_, item) => ({ suiteIndex: recipe.index, suiteType: "nonliteral" as const, contextLength, depthPercent, item })),
      ),
    );
    const firstInsert = (p: (typeof points)[number]) => {
      const depths = [p.depthPercent, ...drawProbe(recipe, p).distractors.map((d) => d.depthPercent)];
      return (p.contextLength * Math.min(...depths)) / 100;
    };
    const keyed = points.map((p) => ({ p, at: firstInsert(p) }));
    return keyed.sort((a, b) => b.at - a.at || b.p.contextLength - a.p.contextLength || a.p.item - b.p.item).map((k) => k.p);
  },

  async estimatePromptTokens(recipe, points) {
    await loadTokenizer(recipe.tokenizer);
    return points.reduce((sum, point) => sum + estimateNonliteralPromptTokens(recipe, cellOf(point)), 0);
  },

  maxTokens() {
    return MAX_TOKENS;
  },

  async build(recipe, point, context) {
    if (recipe.needle_set_version !== NEEDLE_SET_VERSION) {
      throw new Error(`the needle set changed since the run was planned (${recipe.needle_set_version} → ${NEEDLE_SET_VERSION})`);
    }
    const corpus = await context.loadCorpus(recipe.corpus);
    if (!corpus) throw new Error(`corpus ${recipe.corpus} of this run no longer exists`);
    if (corpus.version !== recipe.corpus_version) throw new Error(`corpus ${recipe.corpus} changed since the run was planned (${recipe.corpus_version} → ${corpus.version})`);
    await prepareNonliteralProbes(recipe, corpus, context.boundaryStore);
    return buildNonliteralProbe(recipe, cellOf(point), corpus);
  },

  score(recipe, point, response) {
    return scoreNonliteralProbe(recipe, cellOf(point), response);
  },

  aggregate(recipe, probes) {
    return nonliteralAggregate(recipe, probes);
  },

  storedData(recipe) {
    return { corpora: [recipe.corpus] };
  },
};

function nonliteralAggregate(recipe: NonliteralRecipe, probes: SettledProbe[]): Partial<SuiteAggregate> {
  const figures = nonliteralFigures(recipe, probes);
  const headline = figures.pooled?.effective_context_length.relative ?? figures.by_kind.literal?.effective_context_length.relative;
  return {
    ...(headline ? { effective_context_length: { ...headline, metric: "contains" as const } } : {}),
    corpus: recipe.corpus,
    context_lengths: recipe.context_lengths,
    depth_percents: recipe.depth_percents,
    by_length: groupMeans(NONLITERAL_METRICS, probes, (p) => p.contextLength, recipe.context_lengths),
    by_depth: groupMeans(NONLITERAL_METRICS, probes, (p) => p.depthPercent, recipe.depth_percents),
    nonliteral: figures,
  };
}
