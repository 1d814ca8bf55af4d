// One synthetic sample by task name: the generator RULER's synthetic.yaml names for it.
import { cweAnswers, generateCwe } from "./cwe";
import { fweAnswers, generateFwe } from "./fwe";
import { generateNiah, niahAnswers } from "./niah";
import { NIAH_CONFIGS, type SyntheticTask } from "./protocol";
import type { GenContext, SampleKey, TaskPrompt } from "./task";
import { generateVt, vtAnswers } from "./vt";

export function generateSynthetic(ctx: GenContext): TaskPrompt {
  const task = ctx.key.task as SyntheticTask;
  if (task === "vt") return generateVt(ctx);
  if (task === "cwe") return generateCwe(ctx);
  if (task === "fwe") return generateFwe(ctx);
  const args = NIAH_CONFIGS[task];
  if (!args) throw new Error(`not a synthetic RULER task: ${String(task)}`);
  return generateNiah(ctx, args);
}

/** A synthetic sample's expected answers without building its prompt (what scoring needs). */
export function syntheticAnswers(key: SampleKey, budget: number): string[] {
  const task = key.task as SyntheticTask;
  if (task === "vt") return vtAnswers(key);
  if (task === "cwe") return cweAnswers(key);
  if (task === "fwe") return fweAnswers(key, budget);
  return niahAnswers(key, NIAH_CONFIGS[task]);
}

/** Whether a task's haystack is the essay corpus (it needs the corpus tokenized first). */
export function usesEssay(task: string): boolean {
  return task in NIAH_CONFIGS && NIAH_CONFIGS[task as keyof typeof NIAH_CONFIGS].type_haystack === "essay";
}
