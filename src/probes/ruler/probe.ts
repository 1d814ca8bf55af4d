// One RULER probe: its task's generator at the length's budget (length − tokens_to_generate), the
// prompt as sent, its exact token count and the facts stored with it.
import type { Haystack } from "../needle/haystack";
import { getTokenizer } from "../tokenizers";
import type { Api, BuiltPrompt, TokenizerName } from "../types";
import { piecesText } from "./count";
import type { RulerProbeFacts } from "./facts";
import { generateSynthetic, syntheticAnswers } from "./generate";
import { rulerPrompt } from "./prompt";
import { generateQa } from "./qa";
import type { RulerQaDataset } from "./qa-data";
import { tokensToGenerate, type RulerTask } from "./protocol";
import { genContext, type Fitter, type SampleKey, type TaskPrompt } from "./task";

export interface RulerPlan {
  seed: number;
  tokenizer: TokenizerName;
  api: Api;
}

export interface RulerCellKey {
  task: RulerTask;
  contextLength: number;
  sample: number;
}

export interface RulerProbe {
  prompt: BuiltPrompt;
  /** Exact tokens of the prompt text in the run's tokenizer (answer prefix included). */
  tokens: number;
  maxTokens: number;
  facts: RulerProbeFacts;
}

export const sampleKey = (plan: Pick<RulerPlan, "seed">, cell: RulerCellKey): SampleKey => ({ seed: plan.seed, task: cell.task, contextLength: cell.contextLength, sample: cell.sample });

export const budgetOf = (cell: Pick<RulerCellKey, "task" | "contextLength">) => cell.contextLength - tokensToGenerate(cell.task);

/** Wraps a generated sample (synthetic or qa) as the probe sent. */
export function probeOf(plan: RulerPlan, cell: RulerCellKey, generated: TaskPrompt): RulerProbe {
  return {
    prompt: rulerPrompt(plan.api, piecesText(generated.pieces)),
    tokens: generated.tokens,
    maxTokens: tokensToGenerate(cell.task),
    facts: {
      suite: "ruler",
      task: cell.task,
      context_length: cell.contextLength,
      sample: cell.sample,
      query: generated.query,
      answers: generated.answers,
      haystack_size: generated.size,
      prompt_tokens: generated.tokens,
      tokens_to_generate: tokensToGenerate(cell.task),
    },
  };
}

/** How a probe is generated besides its plan and cell. */
export interface BuildOptions {
  /** How a haystack is sized (the bench swaps in RULER's search). */
  fitter?: Fitter;
  /** The budget in the plan's tokenizer the haystack is fitted to, where that tokenizer is a proxy (default: the cell's budget). */
  fitBudget?: number;
}

function contextOf(plan: RulerPlan, cell: RulerCellKey, options: BuildOptions, essay?: Haystack) {
  const ctx = genContext(sampleKey(plan, cell), getTokenizer(plan.tokenizer), budgetOf(cell), essay, options.fitBudget);
  return options.fitter ? { ...ctx, fitter: options.fitter } : ctx;
}

/** Builds a synthetic probe; the tokenizer must be loaded, and for essay tasks the essay haystack given. */
export function buildSyntheticProbe(plan: RulerPlan, cell: RulerCellKey, essay?: Haystack, options: BuildOptions = {}): RulerProbe {
  return probeOf(plan, cell, generateSynthetic(contextOf(plan, cell, options, essay)));
}

/** Builds a qa_1 / qa_2 probe over an imported dataset; the tokenizer must be loaded. */
export function buildQaProbe(plan: RulerPlan, cell: RulerCellKey, dataset: RulerQaDataset, options: BuildOptions = {}): RulerProbe {
  return probeOf(plan, cell, generateQa(contextOf(plan, cell, options), dataset));
}

/** The answers depend on the seed and the cell only (not the tokenizer, nor the budget a haystack is fitted to). */
export function syntheticProbeAnswers(plan: Pick<RulerPlan, "seed">, cell: RulerCellKey): string[] {
  return syntheticAnswers(sampleKey(plan, cell), budgetOf(cell));
}
