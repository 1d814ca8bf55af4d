// Needle-in-a-Haystack as a suite: the grid is the dataset, the paper's prompt is the solver,
// the paper's word recall (plus ROUGE-1 and a robust "contains") is the scorer.
import { z } from "zod";
import { isBuiltinCorpusId } from "../corpora";
import {
  buildNeedleProbe,
  FINAL_CONTEXT_LENGTH_BUFFER,
  estimateNeedlePromptTokens,
  GridError,
  NEEDLE_METRICS,
  prepareNeedleProbes,
  resolveNeedleGrid,
  MAX_TOKENS,
  scoreNeedle,
  TEMPLATE_TOKENS,
} from "../needle";
import { getHaystack } from "../needle/haystack";
import { getTokenizer } from "../tokenizers";
import { isEndpointBuild, promptFromCuts } from "../needle/endpoint-build";
import type { Api, ModelTokenizer } from "../types";
import { effectiveContextLength, lengthIntervals } from "./effective-length";
import { groupMeans } from "./means";
import { SuiteSpecError, type SpecIssue } from "./spec-error";
import type { ModelTraits, ProbePoint, SettledProbe, SuiteAggregate, SuiteContext, SuiteDefinition } from "./suite";

export const NeedleSpec = z
  .strictObject({
    type: z.literal("needle"),
    preset: z.enum(["paper", "kamradt", "quick"]).optional().meta({
      description: "paper: 40 lengths 1K–128K × 10 depths (the paper's grid); kamradt: 15 × 15; quick: 6 × 5 within the window.",
    }),
    context_lengths: z.array(z.int()).min(1).max(200).optional().meta({
      description: "Haystack lengths in the model's tokens; overrides the preset's lengths.",
      example: [1000, 8000],
    }),
    depth_percents: z.array(z.int()).min(1).max(101).optional().meta({
      description: "Needle depths in percent of the haystack; overrides the preset's depths.",
      example: [0, 50, 100],
    }),
    corpus: z.string().min(1).max(64).default("sotu").meta({
      description: "Haystack corpus id: sotu (State of the Union addresses, default), moby-dick or code (zod's TypeScript sources).",
    }),
  })
  .meta({ id: "NeedleSuiteSpec" });
export type NeedleSpec = z.infer<typeof NeedleSpec>;

export interface NeedleRecipe {
  type: "needle";
  index: number;
  corpus: string;
  corpus_version: string;
  /** "endpoint": counted in the endpoint's own tokenizer; each probe's cuts are fixed at its first build (point.build). */
  tokenizer: ModelTokenizer;
  api: Api;
  context_lengths: number[];
  depth_percents: number[];
}

function needleSpecOf(recipe: NeedleRecipe, point: ProbePoint) {
  if (point.contextLength === null || point.depthPercent === null) throw new Error("needle probe without length/depth");
  // Endpoint runs are estimated (dry runs, plans) in cl100k_base, the usual proxy.
  const tokenizer = recipe.tokenizer === "endpoint" ? "cl100k_base" : recipe.tokenizer;
  return { tokenizer, contextLength: point.contextLength, depthPercent: point.depthPercent, api: recipe.api };
}

/** An endpoint-tokenized probe built before its cuts were fixed (the consumer fixes them first). */
export class EndpointBuildMissingError extends Error {
  constructor(message = "this probe is counted in the endpoint's tokenizer and has not been built yet: its cuts are fixed when it is first sent") {
    super(message);
    this.name = "EndpointBuildMissingError";
  }
}

export const needleSuite: SuiteDefinition<NeedleSpec, NeedleRecipe> = {
  type: "needle",
  spec: NeedleSpec,
  metrics: NEEDLE_METRICS,

  async resolve(spec: NeedleSpec, model: ModelTraits, index: number, context: SuiteContext): Promise<NeedleRecipe> {
    // Every problem of the spec at once: the corpus, the axes, and each bad entry of the lists.
    const issues: SpecIssue[] = [];
    const corpus = await context.loadCorpus(spec.corpus);
    if (!corpus) issues.push({ path: ["corpus"], detail: `unknown corpus "${spec.corpus}"; see GET /v1/corpora for the built-in and uploaded ones` });
    if (!spec.preset && !spec.context_lengths) issues.push({ path: ["context_lengths"], detail: "give a preset (paper, kamradt, quick) or context_lengths" });
    if (!spec.preset && !spec.depth_percents) issues.push({ path: ["depth_percents"], detail: "give a preset (paper, kamradt, quick) or depth_percents" });
    let grid: ReturnType<typeof resolveNeedleGrid> | undefined;
    if (spec.preset || (spec.context_lengths && spec.depth_percents)) {
      try {
        grid = resolveNeedleGrid(
          { preset: spec.preset, context_lengths: spec.context_lengths, depth_percents: spec.depth_percents },
          model.contextWindow,
          model.maxOutputTokens,
        );
      } catch (e) {
        if (!(e instanceof GridError)) throw e;
        for (const issue of e.issues) issues.push({ path: issue.field.split("/").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), detail: issue.detail });
      }
    }
    if (issues.length || !corpus || !grid) throw SuiteSpecError.of(issues);
    if (!isBuiltinCorpusId(corpus.id) && model.tokenizer !== "endpoint") {
      // Built-in corpora are long enough for 128K in every tokenizer (tested); an uploaded one is
      // checked here. The paper re-read its files until long enough; we refuse instead of repeating.
      let available: number;
      try {
        const tokenizer = model.tokenizer;
        await prepareNeedleProbes(tokenizer, corpus, context.boundaryStore);
        available = getHaystack(getTokenizer(tokenizer), corpus).ids.length;
      } catch (error) {
        throw new SuiteSpecError(["corpus"], `corpus "${corpus.id}" cannot be used with ${model.tokenizer}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const longest = Math.max(...grid.contextLengths);
      if (available < longest) {
        throw new SuiteSpecError(["corpus"], `corpus "${corpus.id}" has ${available} ${model.tokenizer} tokens; the longest context length asks for ${longest}`);
      }
    }
    return {
      type: "needle",
      index,
      corpus: corpus.id,
      corpus_version: corpus.version,
      tokenizer: model.tokenizer,
      api: model.api,
      context_lengths: grid.contextLengths,
      depth_percents: grid.depthPercents,
    };
  },

  // Prefix-cache-aware order. Every probe opens with the same haystack text up to its needle
  // (the corpus start, at any length), so a server's prefix cache can serve all of it if some
  // earlier probe carried at least that much. Probes therefore run by needle position, deepest
  // first across all lengths: each then needs only a prefix of what the probe before it just
  // brought, which stays cached under any cache that holds one prompt. The depth-0 probes come
  // last, longest first: they share the needle and then the haystack, so each is a prefix of the
  // one before. Grouping by length instead (deepest first within a length) re-sends the longest
  // prefixes once per length, and a cache smaller than a length's ten prompts has evicted them by
  // then: `npm run bench` measures both orders (see the README, "Prefix-cache-aware order").
  plan(recipe) {
    const points = recipe.context_lengths.flatMap((contextLength) =>
      recipe.depth_percents.map((depthPercent) => ({
        suiteIndex: recipe.index,
        suiteType: "needle" as const,
        contextLength,
        depthPercent,
        item: null,
      })),
    );
    return points.sort((a, b) => approximateNeedlePosition(b) - approximateNeedlePosition(a) || b.contextLength - a.contextLength);
  },

  async estimatePromptTokens(recipe, points) {
    return points.reduce((sum, point) => sum + estimateNeedlePromptTokens(needleSpecOf(recipe, point)), 0);
  },

  maxTokens(recipe) {
    return MAX_TOKENS[recipe.api];
  },

  async build(recipe, point, context) {
    const corpus = await context.loadCorpus(recipe.corpus);
    if (!corpus) throw new Error(`corpus ${recipe.corpus} of this run no longer exists`);
    if (corpus.version !== recipe.corpus_version) {
      throw new Error(`corpus ${recipe.corpus} changed since the run was planned (${recipe.corpus_version} → ${corpus.version})`);
    }
    if (recipe.tokenizer === "endpoint") {
      if (!isEndpointBuild(point.build)) throw new EndpointBuildMissingError();
      return {
        prompt: promptFromCuts(recipe.api, corpus, point.build),
        constructedTokens: point.build.constructed_tokens,
        expectedPromptTokens: point.build.expected_prompt_tokens,
        maxTokens: MAX_TOKENS[recipe.api],
      };
    }
    await prepareNeedleProbes(recipe.tokenizer, corpus, context.boundaryStore);
    const probe = buildNeedleProbe(needleSpecOf(recipe, point), corpus);
    return {
      prompt: probe.prompt,
      constructedTokens: probe.constructedTokens,
      expectedPromptTokens: probe.constructedTokens + TEMPLATE_TOKENS[recipe.api][recipe.tokenizer],
      maxTokens: probe.maxTokens,
    };
  },

  score(_recipe, _point, response) {
    return scoreNeedle(response);
  },

  aggregate(recipe, probes) {
    return needleAggregate(recipe, probes);
  },

  storedData(recipe) {
    return { corpora: [recipe.corpus] };
  },
};

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The grid's figures: effective context length with its interval, and means per length and depth. */
function needleAggregate(recipe: NeedleRecipe, probes: SettledProbe[]): Partial<SuiteAggregate> {
  const samples = probes.flatMap((p) =>
    p.status === "scored" && p.contextLength !== null && typeof p.scores?.contains === "number" ? [{ contextLength: p.contextLength, score: p.scores.contains }] : [],
  );
  const effective = effectiveContextLength(samples);
  return {
    effective_context_length: { ...effective, threshold: round4(effective.threshold), metric: "contains" },
    by_length_ci: Object.fromEntries(
      Object.entries(lengthIntervals(samples)).map(([length, ci]) => [length, { mean: round4(ci.mean), low: round4(ci.low), high: round4(ci.high) }]),
    ),
    corpus: recipe.corpus,
    context_lengths: recipe.context_lengths,
    depth_percents: recipe.depth_percents,
    by_length: groupMeans(NEEDLE_METRICS, probes, (p) => p.contextLength, recipe.context_lengths),
    by_depth: groupMeans(NEEDLE_METRICS, probes, (p) => p.depthPercent, recipe.depth_percents),
  };
}

/**
 * Where the needle goes, in haystack tokens, before the back-off to a sentence end: enough to
 * order probes for the prefix cache without tokenizing (see `plan`).
 */
function approximateNeedlePosition(point: { contextLength: number; depthPercent: number }): number {
  return ((point.contextLength - FINAL_CONTEXT_LENGTH_BUFFER) * point.depthPercent) / 100;
}
