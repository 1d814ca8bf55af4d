// How a RULER probe's prompt is made from its recipe: what it is made from (tokenizer, essay
// haystack, qa dataset) loaded once, then a generator by fit budget. Local tokenizers build at the
// cell's budget; runs counted in the endpoint's tokenizer build in the proxy tokenizer at the proxy
// budget their first build fixed (../ruler/endpoint-fit.ts, src/lifecycle/endpoint/ruler.ts).
import { CALIBRATION_PROXY } from "../needle/endpoint-tokenization";
import { prepareNeedleProbes } from "../needle/build";
import { getHaystack, type Haystack } from "../needle/haystack";
import { isRulerEndpointBuild, type RulerEndpointBuild } from "../ruler/endpoint-fit";
import { essayCorpus } from "../ruler/essay";
import { usesEssay } from "../ruler/generate";
import { buildQaProbe, buildSyntheticProbe, type RulerCellKey, type RulerProbe } from "../ruler/probe";
import type { RulerTask } from "../ruler/protocol";
import { KEY_WORDS_VERSION, prepareCweWordPool } from "../ruler/words";
import { loadTokenizer } from "../tokenizers";
import type { Api, ModelTokenizer, TokenizerName } from "../types";
import { EndpointBuildMissingError } from "./needle";
import { isQaTask, pinnedQaDataset, type QaPins } from "./ruler-qa";
import type { BuiltProbe, ProbePoint, SuiteContext } from "./suite";

/** Bumped whenever a generator changes what it builds from a recipe. */
export const RULER_GENERATOR_VERSION = "2"; // 2: qa prompts fill the last 1 % with a fitting document

export interface RulerRecipe {
  type: "ruler";
  index: number;
  /** "endpoint": counted in the endpoint's own tokenizer; each probe's proxy budget is fixed at its first build (point.build). */
  tokenizer: ModelTokenizer;
  api: Api;
  tasks: RulerTask[];
  context_lengths: number[];
  samples: number;
  seed: number;
  corpus: string;
  corpus_version: string;
  /** Prompts are rebuilt from these word lists and generators only. */
  key_words_version: string;
  cwe_words_version: string;
  generator_version: string;
  /** qa_1 / qa_2: the imported dataset, its revision and the answers of the questions asked. */
  qa?: QaPins;
}

export function rulerCellOf(recipe: RulerRecipe, point: ProbePoint): RulerCellKey {
  if (point.contextLength === null || point.item === null) throw new Error("RULER probe without length or item");
  const task = recipe.tasks[Math.floor(point.item / recipe.samples)];
  if (!task) throw new Error(`RULER suite ${recipe.index} has no item ${point.item}`);
  return { task, contextLength: point.contextLength, sample: point.item % recipe.samples };
}

/** The tokenizer a recipe's prompts are generated and counted in: its own, or the proxy standing in for an endpoint's. */
export function generationTokenizer(recipe: Pick<RulerRecipe, "tokenizer">): TokenizerName {
  return recipe.tokenizer === "endpoint" ? CALIBRATION_PROXY : recipe.tokenizer;
}

/** A probe's prompt at a fit budget in the generation tokenizer (default: the cell's own budget). */
export type RulerMaker = (fitBudget?: number) => RulerProbe;

async function checkVersions(recipe: RulerRecipe, task: RulerTask): Promise<void> {
  if (recipe.generator_version !== RULER_GENERATOR_VERSION || recipe.key_words_version !== KEY_WORDS_VERSION) throw new Error("RULER's generators or key words changed since the run was planned");
  if (task === "cwe" && recipe.cwe_words_version !== (await prepareCweWordPool()).version) throw new Error("the cwe word pool changed since the run was planned");
}

/** Loads what the probe's prompt is made from, once; the generator it returns is synchronous. */
export async function rulerMaker(recipe: RulerRecipe, cell: RulerCellKey, context: SuiteContext): Promise<RulerMaker> {
  await checkVersions(recipe, cell.task);
  const tokenizerName = generationTokenizer(recipe);
  const tokenizer = await loadTokenizer(tokenizerName);
  const plan = { seed: recipe.seed, tokenizer: tokenizerName, api: recipe.api };
  if (isQaTask(cell.task)) {
    const dataset = await pinnedQaDataset(recipe.qa?.[cell.task], context);
    return (fitBudget) => buildQaProbe(plan, cell, dataset, { fitBudget });
  }
  let essay: Haystack | undefined;
  if (usesEssay(cell.task)) {
    const corpus = await context.loadCorpus(recipe.corpus);
    if (!corpus) throw new Error(`corpus ${recipe.corpus} of this run no longer exists`);
    if (corpus.version !== recipe.corpus_version) throw new Error(`corpus ${recipe.corpus} changed since the run was planned (${recipe.corpus_version} → ${corpus.version})`);
    await prepareNeedleProbes(tokenizerName, essayCorpus(corpus), context.boundaryStore);
    essay = getHaystack(tokenizer, essayCorpus(corpus));
  }
  return (fitBudget) => buildSyntheticProbe(plan, cell, essay, { fitBudget });
}

/** The probe as the suite hands it on; counted in the endpoint's tokens where `endpoint` is given. */
export function rulerBuiltProbe(probe: RulerProbe, endpoint?: RulerEndpointBuild): BuiltProbe {
  const tokens = endpoint?.prompt_tokens ?? probe.tokens;
  return {
    prompt: probe.prompt,
    constructedTokens: tokens,
    expectedPromptTokens: endpoint?.expected_prompt_tokens ?? tokens,
    maxTokens: probe.maxTokens,
    rulerFacts: { ...probe.facts, prompt_tokens: tokens },
  };
}

/** The suite's build(): at the cell's budget, or (endpoint runs) at the proxy budget the probe's first build fixed. */
export async function buildRulerProbe(recipe: RulerRecipe, point: ProbePoint, context: SuiteContext): Promise<BuiltProbe> {
  const cell = rulerCellOf(recipe, point);
  if (recipe.tokenizer !== "endpoint") return rulerBuiltProbe((await rulerMaker(recipe, cell, context))());
  const build = point.build;
  if (!isRulerEndpointBuild(build)) throw new EndpointBuildMissingError("this probe is counted in the endpoint's tokenizer and has not been built yet: its proxy budget is fixed when it is first sent");
  const probe = (await rulerMaker(recipe, cell, context))(build.proxy_budget);
  if (probe.tokens !== build.proxy_tokens) {
    throw new Error(`the prompt rebuilt at proxy budget ${build.proxy_budget} has ${probe.tokens} ${CALIBRATION_PROXY} tokens, not the ${build.proxy_tokens} it was sent with: the proxy tokenizer or a generator changed`);
  }
  return rulerBuiltProbe(probe, build);
}
