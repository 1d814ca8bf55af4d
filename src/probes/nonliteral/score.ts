// Judge-free scoring: the answer is a name, so a response is right when it names the character.
// Each probe's scores are 0 or 1: `contains`, the same value under its kind's name (and under
// `nonliteral` for the two non-literal kinds), so the generic means, per-length means and heatmaps
// give per-kind figures; and `distracted` when the prompt held distractors.
import type { NeedleKind } from "./types";

export const NONLITERAL_METRICS = ["nonliteral", "literal", "one_hop", "two_hop", "contains", "distracted"] as const;

/** Lower-case letters and digits, everything else one space, padded: whole-word matching by `includes`. */
function normalize(text: string): string {
  return ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
}

export function namesWord(response: string, name: string): boolean {
  return normalize(response).includes(normalize(name));
}

export function scoreNonliteral(response: string, answer: { kind: NeedleKind; character: string; distractorEntities: readonly string[] }): Record<string, number> {
  const contains = namesWord(response, answer.character) ? 1 : 0;
  const scores: Record<string, number> = { contains, [answer.kind]: contains };
  if (answer.kind !== "literal") scores.nonliteral = contains;
  if (answer.distractorEntities.length) scores.distracted = answer.distractorEntities.some((entity) => namesWord(response, entity)) ? 1 : 0;
  return scores;
}
