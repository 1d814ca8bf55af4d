// Loss by context length (the paper's Figure 3/4 and Table 5), as a suite: the dataset is texts of
// exactly L tokens cut from each domain (a corpus) at seeded document starts, the "solver" one
// forward pass asking the endpoint for the prompt's log-probabilities, the scorer the mean NLL of
// tokens 2…L and its position curve. Nothing is generated or compared as a string.
//
// Probe points: `contextLength` = L, `item` = domain index × documents + document.
import { z } from "zod";
import { domainOfItem, lossCell, lossFigures } from "../loss/aggregate";
import { alignLogprobs, meanNll, positionCurve } from "../loss/nll";
import { resolveLossSpec } from "../loss/resolve";
import { documentStart, exactText } from "../loss/text";
import { prepareNeedleProbes } from "../needle/build";
import { getHaystack } from "../needle/haystack";
import { getTokenizer } from "../tokenizers";
import type { ProbeScores, TokenizerName } from "../types";
import type { ProbePoint, SuiteDefinition } from "./suite";

export const LOSS_METRICS = ["loss", "perplexity"] as const;

export const LossSpec = z
  .strictObject({
    type: z.literal("loss"),
    domains: z.array(z.string().min(1).max(64)).min(1).max(8).default(["moby-dick", "sotu", "code"]).meta({
      description: "Corpora to measure loss on: built-in moby-dick (books), sotu (speeches), code (TypeScript sources), or uploaded ones (POST /v1/corpora).",
    }),
    context_lengths: z.array(z.int()).min(1).max(20).optional().meta({
      description: "Text lengths in the model's tokens. Default: 1K, 4K, 16K, 32K, 64K, 128K, those within the context window.",
      example: [1000, 16000, 64000],
    }),
    documents: z.int().min(1).max(32).default(4).meta({ description: "Texts per domain, each from its own seeded start; every length of a document is a prefix of its longest text." }),
    seed: z.int().min(0).max(2_147_483_647).default(0).meta({ description: "Draws the documents' starts." }),
  })
  .meta({ id: "LossSuiteSpec" });
export type LossSpec = z.infer<typeof LossSpec>;

export interface LossRecipe {
  type: "loss";
  index: number;
  tokenizer: TokenizerName;
  domains: string[];
  /** Corpus versions, in `domains` order: prompts are rebuilt from these texts only. */
  domain_versions: string[];
  context_lengths: number[];
  documents: number;
  seed: number;
}

const cellOf = (point: ProbePoint) => {
  if (point.contextLength === null || point.item === null) throw new Error("loss probe without length or item");
  return { length: point.contextLength, item: point.item };
};

export const lossSuite: SuiteDefinition<LossSpec, LossRecipe> = {
  type: "loss",
  spec: LossSpec,
  metrics: LOSS_METRICS,

  async resolve(spec, model, index, context) {
    const { corpora, lengths } = await resolveLossSpec(spec, model, context);
    return {
      type: "loss",
      index,
      tokenizer: model.tokenizer as TokenizerName,
      domains: corpora.map((c) => c.id),
      domain_versions: corpora.map((c) => c.version),
      context_lengths: lengths,
      documents: spec.documents,
      seed: spec.seed,
    };
  },

  // Document by document, shortest text first: each text is a prefix of the next, which a server's
  // prefix cache serves from what it has just computed.
  plan(recipe) {
    return recipe.domains.flatMap((_, d) =>
      Array.from({ length: recipe.documents }, (_, k) => d * recipe.documents + k).flatMap((item) =>
        recipe.context_lengths.map((contextLength) => ({ suiteIndex: recipe.index, suiteType: "loss" as const, contextLength, depthPercent: null, item })),
      ),
    );
  },

  async estimatePromptTokens(_recipe, points) {
    return points.reduce((sum, point) => sum + (point.contextLength ?? 0), 0);
  },

  maxTokens() {
    return 1;
  },

  async build(recipe, point, context) {
    const { length, item } = cellOf(point);
    const domain = domainOfItem(recipe, item);
    const corpus = await context.loadCorpus(domain);
    const version = recipe.domain_versions[recipe.domains.indexOf(domain)];
    if (!corpus) throw new Error(`domain ${domain} of this run no longer exists`);
    if (corpus.version !== version) throw new Error(`domain ${domain} changed since the run was planned (${version} → ${corpus.version})`);
    await prepareNeedleProbes(recipe.tokenizer, corpus, context.boundaryStore); // loads the tokenizer too
    const tokenizer = getTokenizer(recipe.tokenizer);
    const longest = Math.max(...recipe.context_lengths);
    const start = documentStart(getHaystack(tokenizer, corpus), { seed: recipe.seed, domain, document: item % recipe.documents, longest });
    const text = exactText(tokenizer, corpus, start, length);
    return { prompt: { api: "completions", prompt: text }, constructedTokens: length, expectedPromptTokens: length, maxTokens: 1, measure: "prompt_logprobs" };
  },

  score(_recipe, point, _response, reply) {
    if (!reply?.promptLogprobs) throw new Error("a loss probe is scored from the prompt's log-probabilities");
    return lossScores(alignLogprobs(reply.promptLogprobs, cellOf(point).length));
  },

  // Losses are nats, not 0–100 scores: the suite's means are its own (every scored text pooled).
  aggregate(recipe, probes) {
    const figures = lossFigures(recipe, probes);
    const all = probes.filter((p) => p.status === "scored" && typeof p.scores?.loss === "number").map((p) => p.scores!.loss!);
    const pooled = all.length ? lossCell(all) : null;
    return {
      scores: { loss: pooled?.loss ?? null, perplexity: pooled?.perplexity ?? null },
      context_lengths: recipe.context_lengths,
      by_length: Object.fromEntries(recipe.context_lengths.map((l) => [String(l), { loss: figures.loss_at[String(l)]?.loss ?? null, perplexity: figures.loss_at[String(l)]?.perplexity ?? null }])),
      loss: figures,
    };
  },

  storedData(recipe) {
    return { corpora: recipe.domains };
  },
};

/** A probe's scores: its loss, its perplexity and its NLL per position bucket (`pos_<last position>`). */
export function lossScores(logprobs: Float64Array): ProbeScores {
  const loss = meanNll(logprobs);
  const scores: ProbeScores = { loss, perplexity: Math.exp(loss) };
  for (const bucket of positionCurve(logprobs)) scores[`pos_${bucket.to}`] = bucket.nll;
  return scores;
}
