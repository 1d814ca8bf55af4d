// The loss suite's figures from its settled probes: Loss@L per domain and pooled, each a mean over
// documents with a Student's t interval (a handful of documents: the normal interval would be too
// narrow), and the position curve of each domain's longest texts.
import type { SettledProbe } from "../suites/suite";
import type { LossCell, LossFigures } from "./figures";
import { bucketEnds } from "./nll";

/** Two-sided 97.5 % quantiles of Student's t for 1…30 degrees of freedom; 1.96 beyond. */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function lossCell(values: readonly number[]): LossCell {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let low: number | null = null;
  let high: number | null = null;
  if (n > 1) {
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
    const half = (T_975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
    [low, high] = [round(mean - half), round(mean + half)];
  }
  return { loss: round(mean), low, high, perplexity: round(Math.exp(mean)), documents: n };
}

export interface LossPlan {
  domains: readonly string[];
  documents: number;
  context_lengths: readonly number[];
}

/** The probe's domain from its item (domain index × documents + document). */
export function domainOfItem(plan: Pick<LossPlan, "domains" | "documents">, item: number): string {
  const domain = plan.domains[Math.floor(item / plan.documents)];
  if (domain === undefined) throw new RangeError(`item ${item} is outside this suite's ${plan.domains.length} domains × ${plan.documents} documents`);
  return domain;
}

function cellsBy(probes: readonly SettledProbe[], key: (p: SettledProbe) => string): Record<string, LossCell> {
  const groups = new Map<string, number[]>();
  for (const p of probes) groups.set(key(p), [...(groups.get(key(p)) ?? []), p.scores!.loss!]);
  return Object.fromEntries([...groups].map(([k, values]) => [k, lossCell(values)]));
}

function positionCurveOf(probes: readonly SettledProbe[], length: number) {
  const longest = probes.filter((p) => p.contextLength === length);
  const buckets = bucketEnds(length).map((to, i, ends) => {
    const values = longest.map((p) => p.scores?.[`pos_${to}`]).filter((v): v is number => typeof v === "number");
    return { from: i === 0 ? 1 : ends[i - 1]! + 1, to, nll: values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : NaN };
  });
  return { length, buckets: buckets.filter((b) => Number.isFinite(b.nll)) };
}

export function lossFigures(plan: LossPlan, probes: readonly SettledProbe[]): LossFigures {
  const scored = probes.filter((p) => p.status === "scored" && typeof p.scores?.loss === "number" && p.item !== null && p.contextLength !== null);
  const byDomain: LossFigures["by_domain"] = {};
  const curves: LossFigures["position_curve"] = {};
  for (const domain of plan.domains) {
    const mine = scored.filter((p) => domainOfItem(plan, p.item!) === domain);
    if (!mine.length) continue;
    byDomain[domain] = cellsBy(mine, (p) => String(p.contextLength));
    curves[domain] = positionCurveOf(mine, Math.max(...mine.map((p) => p.contextLength!)));
  }
  return { domains: [...plan.domains], documents: plan.documents, by_domain: byDomain, loss_at: cellsBy(scored, (p) => String(p.contextLength)), position_curve: curves };
}
