// The headline a trainer reads: how far the model really reads. Effective length per kind (the
// relative 85 % rule against the kind's own shortest-length mean, as NoLiMa does, and an absolute
// 85 % variant), the non-literal kinds pooled, and the literal gap — literal effective length minus
// non-literal effective length — with 95 % bootstrap intervals.
import { effectiveContextLength, effectiveLengthGap, lengthIntervals, type EffectiveLength, type LengthSample } from "../suites/effective-length";
import { groupMeans, means } from "../suites/means";
import type { SettledProbe } from "../suites/suite";
import { kindOfItem, type DrawPlan } from "./draw";
import type { KindFigures, NonliteralFigures } from "./figures";
import { NONLITERAL_METRICS } from "./score";
import type { NeedleKind } from "./types";

/** The absolute variant's bar, 0–1: a kind passes a length while its mean there is at least 85. */
export const ABSOLUTE_THRESHOLD = 0.85;

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const roundLength = (e: EffectiveLength): EffectiveLength => ({ ...e, threshold: round4(e.threshold) });

function samplesOf(probes: SettledProbe[]): LengthSample[] {
  return probes.flatMap((p) => (p.status === "scored" && p.contextLength !== null && typeof p.scores?.contains === "number" ? [{ contextLength: p.contextLength, score: p.scores.contains }] : []));
}

function figuresOf(probes: SettledProbe[], lengths: readonly number[]): KindFigures {
  const samples = samplesOf(probes);
  return {
    scores: means(NONLITERAL_METRICS, probes),
    by_length: groupMeans(["contains", "distracted"], probes, (p) => p.contextLength, [...lengths]),
    by_length_ci: Object.fromEntries(Object.entries(lengthIntervals(samples)).map(([l, ci]) => [l, { mean: round4(ci.mean), low: round4(ci.low), high: round4(ci.high) }])),
    effective_context_length: {
      relative: roundLength(effectiveContextLength(samples)),
      absolute: roundLength(effectiveContextLength(samples, { absoluteThreshold: ABSOLUTE_THRESHOLD })),
    },
  };
}

type FiguresPlan = Pick<DrawPlan, "kinds" | "pairs" | "distractors"> & { context_lengths: readonly number[]; haystack_order: NonliteralFigures["haystack_order"] };

export function nonliteralFigures(plan: FiguresPlan, probes: SettledProbe[]): NonliteralFigures {
  const ofKind = (kinds: readonly NeedleKind[]) => probes.filter((p) => p.item !== null && kinds.includes(kindOfItem(plan, p.item)));
  const by_kind: Partial<Record<NeedleKind, KindFigures>> = {};
  for (const kind of plan.kinds) by_kind[kind] = figuresOf(ofKind([kind]), plan.context_lengths);
  const inferred = plan.kinds.filter((k) => k !== "literal");
  const pooled = inferred.length ? figuresOf(ofKind(inferred), plan.context_lengths) : null;
  const literalSamples = plan.kinds.includes("literal") ? samplesOf(ofKind(["literal"])) : [];
  const literal_gap =
    pooled && literalSamples.length
      ? {
          relative: effectiveLengthGap(literalSamples, samplesOf(ofKind(inferred))),
          absolute: effectiveLengthGap(literalSamples, samplesOf(ofKind(inferred)), { absoluteThreshold: ABSOLUTE_THRESHOLD }),
        }
      : null;
  return { kinds: [...plan.kinds], distractors: plan.distractors, haystack_order: plan.haystack_order, by_kind, pooled, literal_gap };
}
