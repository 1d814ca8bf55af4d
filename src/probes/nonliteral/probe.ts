// One non-literal probe: the drawn pair, character and distractors spliced into the haystack at
// their depths, wrapped in the suite's prompt, with the facts it stores and the names it is scored on.
import { prepareNeedleProbes } from "../needle/build";
import type { BoundaryStore } from "../needle/boundary-cache";
import { getTokenizer } from "../tokenizers";
import type { Api, BuiltPrompt, Corpus, TokenizerName } from "../types";
import { drawProbe, type DrawnCell, type DrawPlan, type ProbeDraw } from "./draw";
import type { NonliteralProbeFacts } from "./facts";
import { buildInsertedHaystack } from "./haystack";
import { scoreNonliteral } from "./score";
import { shuffledCorpus } from "./shuffle";
import { BUFFER_TOKENS, MAX_TOKENS, nonliteralPrompt, templateTokens } from "./template";

export type HaystackOrder = "coherent" | "shuffled";

export interface ProbePlan extends DrawPlan {
  tokenizer: TokenizerName;
  api: Api;
  haystack_order: HaystackOrder;
}

export interface NonliteralProbe {
  prompt: BuiltPrompt;
  constructedTokens: number;
  expectedPromptTokens: number;
  maxTokens: number;
  facts: NonliteralProbeFacts;
}

/** The corpus the haystack is cut from: as stored, or its sentences in the run's seeded order. */
export function haystackCorpus(plan: Pick<ProbePlan, "haystack_order" | "seed">, corpus: Corpus): Corpus {
  return plan.haystack_order === "shuffled" ? shuffledCorpus(corpus, plan.seed) : corpus;
}

/** Loads the tokenizer and the haystack's tokenization (from the boundary store when there is one). */
export async function prepareNonliteralProbes(plan: Pick<ProbePlan, "tokenizer" | "haystack_order" | "seed">, corpus: Corpus, store?: BoundaryStore | null): Promise<void> {
  await prepareNeedleProbes(plan.tokenizer, haystackCorpus(plan, corpus), store);
}

/** Builds one probe; the tokenizer and haystack must be prepared (prepareNonliteralProbes). */
export function buildNonliteralProbe(plan: ProbePlan, cell: DrawnCell, corpus: Corpus): NonliteralProbe {
  const draw = drawProbe(plan, cell);
  const tokenizer = getTokenizer(plan.tokenizer);
  const inserts = [{ sentence: draw.needle, depthPercent: cell.depthPercent }, ...draw.distractors.map((d) => ({ sentence: d.text, depthPercent: d.depthPercent }))];
  const haystack = buildInsertedHaystack(tokenizer, haystackCorpus(plan, corpus), { contextLength: cell.contextLength, inserts, bufferTokens: BUFFER_TOKENS });
  const [needleIndex, ...distractorIndexes] = haystack.tokenIndexes;
  return {
    prompt: nonliteralPrompt(plan.api, haystack.text, draw.pair.question),
    constructedTokens: haystack.constructedTokens,
    expectedPromptTokens: haystack.constructedTokens + templateTokens(tokenizer, plan.api, draw.pair.question),
    maxTokens: MAX_TOKENS,
    facts: factsOf(draw, cell, needleIndex!, distractorIndexes),
  };
}

function factsOf(draw: ProbeDraw, cell: DrawnCell, needleIndex: number, distractorIndexes: number[]): NonliteralProbeFacts {
  return {
    suite: "nonliteral",
    pair_id: draw.pair.id,
    kind: draw.kind,
    character: draw.character,
    question: draw.pair.question,
    needle: draw.needle,
    needle_depth_percent: cell.depthPercent,
    needle_token_index: needleIndex,
    distractors: draw.distractors.map((d, i) => ({ entity: d.entity, text: d.text, depth_percent: d.depthPercent, token_index: distractorIndexes[i]! })),
  };
}

/** Prompt tokens of a probe without building it (dry runs): exact but for BPE merges at the seams. */
export function estimateNonliteralPromptTokens(plan: ProbePlan, cell: DrawnCell): number {
  const draw = drawProbe(plan, cell);
  return cell.contextLength - BUFFER_TOKENS + templateTokens(getTokenizer(plan.tokenizer), plan.api, draw.pair.question);
}

export function scoreNonliteralProbe(plan: DrawPlan, cell: DrawnCell, response: string): Record<string, number> {
  const draw = drawProbe(plan, cell);
  return scoreNonliteral(response, { kind: draw.kind, character: draw.character, distractorEntities: draw.distractors.map((d) => d.entity) });
}
