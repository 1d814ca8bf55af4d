// RULER's scorers (scripts/eval/synthetic/constants.py), per probe on 0–1 instead of its 0–100 over a
// task: string_match_all — the share of the expected strings the reply contains (niah, vt, cwe,
// fwe); string_match_part — 1 if it contains any of them (qa). Case-insensitive substring matches,
// after evaluate.py's postprocess_pred (trimmed, control characters made newlines).
import { familyOf, type RulerTask } from "./protocol";

export function postprocessPrediction(prediction: string): string {
  // eslint-disable-next-line no-control-regex
  return prediction.trim().replace(/[\x00-\x1f]/g, "\n").trim();
}

export function stringMatchAll(prediction: string, references: readonly string[]): number {
  if (!references.length) return 0;
  const pred = prediction.toLowerCase();
  return references.filter((r) => pred.includes(r.toLowerCase())).length / references.length;
}

export function stringMatchPart(prediction: string, references: readonly string[]): number {
  const pred = prediction.toLowerCase();
  return references.some((r) => pred.includes(r.toLowerCase())) ? 1 : 0;
}

/** The headline metric and one per task, so the generic means give each task's mean. */
export const RULER_METRIC = "ruler";

export function scoreRuler(task: RulerTask, response: string, answers: readonly string[]): Record<string, number> {
  const prediction = postprocessPrediction(response);
  const score = familyOf(task) === "qa" ? stringMatchPart(prediction, answers) : stringMatchAll(prediction, answers);
  return { [RULER_METRIC]: score, [task]: score };
}
