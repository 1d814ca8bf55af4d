import { describe, expect, it } from "vitest";
import { nonliteralFigures } from "../../../../src/probes/nonliteral/aggregate";
import type { SettledProbe } from "../../../../src/probes/suites/suite";
import type { NeedleKind } from "../../../../src/probes/nonliteral/types";

const lengths = [1000, 2000, 4000, 8000, 16000];
const plan = { kinds: ["literal", "one_hop", "two_hop"] as NeedleKind[], pairs: 4, distractors: 1, haystack_order: "coherent" as const, context_lengths: lengths };

/** Probes of every kind at every length; `score(kind, length, i)` gives each one's contains. */
function probes(score: (kind: NeedleKind, length: number, i: number) => number): SettledProbe[] {
  return plan.kinds.flatMap((kind, k) =>
    lengths.flatMap((contextLength) =>
      Array.from({ length: 20 }, (_, i) => {
        const contains = score(kind, contextLength, i);
        const scores: Record<string, number> = { contains, [kind]: contains, distracted: contains ? 0 : 1 };
        if (kind !== "literal") scores.nonliteral = contains;
        return { suiteIndex: 0, status: "scored" as const, contextLength, depthPercent: 50, item: k * plan.pairs + (i % plan.pairs), scores };
      }),
    ),
  );
}

describe("non-literal figures", () => {
  it("a keyword search: literal holds at every length, the inferred kinds never pass, the gap is the literal length", () => {
    const figures = nonliteralFigures(plan, probes((kind) => (kind === "literal" ? 1 : 0)));
    expect(figures.by_kind.literal!.effective_context_length.relative.length).toBe(16000);
    expect(figures.by_kind.literal!.scores.literal).toBe(100);
    expect(figures.pooled!.effective_context_length.relative.length).toBeNull();
    expect(figures.pooled!.scores.nonliteral).toBe(0);
    expect(figures.pooled!.scores.distracted).toBe(100);
    expect(figures.literal_gap!.relative).toMatchObject({ length: 16000, low: 16000, high: 16000 });
  });

  it("a model that reads literally to 16K but infers only to 2K has a 14K gap, with an interval around it", () => {
    const figures = nonliteralFigures(plan, probes((kind, length, i) => (kind === "literal" ? 1 : length <= 2000 ? 1 : i % 2)));
    expect(figures.by_kind.one_hop!.effective_context_length.relative.length).toBe(2000);
    expect(figures.pooled!.effective_context_length.relative.length).toBe(2000);
    expect(figures.pooled!.effective_context_length.absolute.length).toBe(2000);
    const gap = figures.literal_gap!.relative;
    expect(gap.length).toBe(14000);
    expect(gap.low!).toBeLessThanOrEqual(14000);
    expect(gap.high!).toBeGreaterThanOrEqual(14000);
    expect(figures.pooled!.by_length["4000"]!.contains).toBe(50);
  });

  it("tells the relative rule from the absolute one: a model weak from the start passes the first, not the second", () => {
    const figures = nonliteralFigures(plan, probes((kind, _length, i) => (kind === "literal" ? 1 : i % 5 === 0 ? 1 : 0)));
    expect(figures.pooled!.effective_context_length.relative.length).toBe(16000);
    expect(figures.pooled!.effective_context_length.absolute.length).toBeNull();
    expect(figures.literal_gap!.absolute.length).toBe(16000);
    expect(figures.literal_gap!.relative.length).toBe(0);
  });

  it("has no gap without the literal kind, and no pooled figures without an inferred kind", () => {
    const onlyInferred = { ...plan, kinds: ["one_hop", "two_hop"] as NeedleKind[] };
    expect(nonliteralFigures(onlyInferred, []).literal_gap).toBeNull();
    const onlyLiteral = { ...plan, kinds: ["literal"] as NeedleKind[] };
    const figures = nonliteralFigures(onlyLiteral, probes(() => 1).filter((p) => p.item! < plan.pairs));
    expect(figures.pooled).toBeNull();
    expect(figures.literal_gap).toBeNull();
  });
});
