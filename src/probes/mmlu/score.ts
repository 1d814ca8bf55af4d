// Scoring one multiple-choice answer. `loglikelihood`: among the first generated token's top
// log-probabilities, the option letter ("A" or " A" … "D") with the highest one is the model's
// choice (lm-evaluation-harness compares the continuations " A" … " D"); none of the four among
// them counts as no answer. `generate`: the letter read from the reply by InfiniteBench's En.MC
// rules (a reply starting with a capital A–D is that letter; else after "answer is" and the like;
// else the first standalone A–D word), with the letter alone as the label: a reply that only
// repeats an option's text is not read as that option (the recipe keeps answers, not option texts).
import { infiniteBenchChoice } from "../bookqa/score";
import { CHOICE_LETTERS, type McItem } from "./types";

/** The letter with the highest top log-probability, or null when none of A–D is among them. */
export function choiceFromTopLogprobs(top: Readonly<Record<string, number>>): number | null {
  let best: { index: number; logprob: number } | null = null;
  for (const [token, logprob] of Object.entries(top)) {
    const index = (CHOICE_LETTERS as readonly string[]).indexOf(token.trim());
    if (index >= 0 && Number.isFinite(logprob) && (!best || logprob > best.logprob)) best = { index, logprob };
  }
  return best?.index ?? null;
}

/** `acc` (0 or 1) and, in loglikelihood mode, `no_letter` when no option letter was among the top tokens. */
export function scoreMc(answer: McItem["answer"], reply: { text: string; topLogprobs?: Readonly<Record<string, number>> }): Record<string, number> {
  if (reply.topLogprobs) {
    const chosen = choiceFromTopLogprobs(reply.topLogprobs);
    return { acc: chosen === answer ? 1 : 0, no_letter: chosen === null ? 1 : 0 };
  }
  const letter = CHOICE_LETTERS[answer];
  return { acc: infiniteBenchChoice(reply.text, [letter, letter]) };
}
