// A multiple-choice suite's figures from its settled probes: micro accuracy (over questions, Wilson
// interval), macro (mean of subject accuracies; interval from the subjects' binomial variances),
// per subject and per MMLU group (each group over its questions, lm-evaluation-harness's
// size-weighted group mean).
import { wilsonInterval } from "../suites/proportion";
import type { SettledProbe } from "../suites/suite";
import type { Accuracy, McFigures } from "./figures";
import { groupOf } from "./groups";

const Z_95 = 1.959964;
const pct = (x: number) => Math.round(x * 10_000) / 100;

function accuracy(correct: number, n: number): Accuracy {
  const { low, high } = wilsonInterval(correct, n);
  return { acc: pct(correct / n), low: pct(low), high: pct(high), n };
}

export interface McPlan {
  /** Subject of each asked item, by the probe's `item`. */
  subjects: readonly string[];
  shots: number;
  shots_from: "dev" | "first_items";
}

function tally(scored: readonly SettledProbe[], key: (p: SettledProbe) => string | null): Map<string, { correct: number; n: number }> {
  const counts = new Map<string, { correct: number; n: number }>();
  for (const p of scored) {
    const k = key(p);
    if (k === null) continue;
    const c = counts.get(k) ?? { correct: 0, n: 0 };
    counts.set(k, { correct: c.correct + p.scores!.acc!, n: c.n + 1 });
  }
  return counts;
}

function macroOf(subjects: Map<string, { correct: number; n: number }>): McFigures["macro"] {
  if (!subjects.size) return null;
  const rates = [...subjects.values()].map(({ correct, n }) => ({ p: correct / n, n }));
  const mean = rates.reduce((a, r) => a + r.p, 0) / rates.length;
  const variance = rates.reduce((a, r) => a + (r.p * (1 - r.p)) / r.n, 0) / rates.length ** 2;
  const half = Z_95 * Math.sqrt(variance);
  const n = rates.reduce((a, r) => a + r.n, 0);
  return { acc: pct(mean), low: pct(Math.max(0, mean - half)), high: pct(Math.min(1, mean + half)), n, subjects: rates.length };
}

export function mcFigures(plan: McPlan, probes: readonly SettledProbe[]): McFigures {
  const scored = probes.filter((p) => p.status === "scored" && typeof p.scores?.acc === "number" && p.item !== null);
  const subjectOf = (p: SettledProbe) => plan.subjects[p.item!] ?? null;
  const bySubject = tally(scored, subjectOf);
  const byGroup = tally(scored, (p) => groupOf(subjectOf(p) ?? ""));
  const all = tally(scored, () => "all").get("all");
  const scoring = scored.some((p) => "no_letter" in p.scores!) ? "loglikelihood" : scored.length ? "generate" : null;
  return {
    scoring,
    shots: plan.shots,
    shots_from: plan.shots_from,
    micro: all ? accuracy(all.correct, all.n) : null,
    macro: macroOf(bySubject),
    by_subject: Object.fromEntries([...bySubject].map(([s, c]) => [s, { ...accuracy(c.correct, c.n), group: groupOf(s) }])),
    by_group: Object.fromEntries([...byGroup].map(([g, c]) => [g, accuracy(c.correct, c.n)])),
  };
}
