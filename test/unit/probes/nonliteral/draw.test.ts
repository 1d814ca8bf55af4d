import { describe, expect, it } from "vitest";
import { CHARACTER_NAMES } from "../../../../src/probes/nonliteral/characters";
import { DISTRACTOR_MIN_GAP, drawProbe, kindOfItem, MAX_PAIRS_PER_CELL, type DrawPlan } from "../../../../src/probes/nonliteral/draw";
import { NEEDLE_SET } from "../../../../src/probes/nonliteral/needle-set";
import { NEEDLE_KINDS } from "../../../../src/probes/nonliteral/types";

const plan = (over: Partial<DrawPlan> = {}): DrawPlan => ({ seed: 7, kinds: [...NEEDLE_KINDS], pairs: 2, distractors: 4, depth_percents: [0, 25, 50, 75, 100], ...over });

describe("non-literal draws", () => {
  it("are a pure function of the plan and the cell", () => {
    const cell = { contextLength: 8000, depthPercent: 50, item: 3 };
    expect(drawProbe(plan(), cell)).toEqual(drawProbe(plan(), cell));
    const seeds = new Set(Array.from({ length: 12 }, (_, seed) => JSON.stringify(drawProbe(plan({ seed }), cell))));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it("give a (depth, repetition) cell the same pair at every length, so lengths compare the same pairs", () => {
    for (const item of [0, 1, 2, 5]) {
      for (const depthPercent of [0, 50, 100]) {
        const ids = [1000, 8000, 32000, 128000].map((contextLength) => drawProbe(plan(), { contextLength, depthPercent, item }).pair.id);
        expect(new Set(ids).size).toBe(1);
      }
    }
  });

  it("use each kind's own pairs, item = kind index × pairs + repetition", () => {
    const p = plan();
    for (let item = 0; item < p.kinds.length * p.pairs; item++) {
      const kind = kindOfItem(p, item);
      expect(kind).toBe(p.kinds[Math.floor(item / p.pairs)]);
      expect(drawProbe(p, { contextLength: 4000, depthPercent: 25, item }).pair.kind).toBe(kind);
    }
    expect(() => kindOfItem(p, p.kinds.length * p.pairs)).toThrow(/outside/);
  });

  it("spread a kind's pairs over the depths and repetitions without repeating one while there are enough", () => {
    const p = plan({ pairs: 2 });
    const ids = p.depth_percents.flatMap((depthPercent) => [0, 1].map((item) => drawProbe(p, { contextLength: 4000, depthPercent, item }).pair.id));
    const available = NEEDLE_SET.filter((pair) => pair.kind === "literal").length;
    expect(new Set(ids).size).toBe(Math.min(ids.length, available));
    expect(MAX_PAIRS_PER_CELL).toBe(Math.min(...NEEDLE_KINDS.map((k) => NEEDLE_SET.filter((pair) => pair.kind === k).length)));
  });

  it("draw the character per probe from the names, and fill the needle's slot with it", () => {
    const names = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const draw = drawProbe(plan(), { contextLength: 1000 * (i + 1), depthPercent: 50, item: 0 });
      expect(CHARACTER_NAMES).toContain(draw.character);
      expect(draw.needle).toBe(draw.pair.needle.replace("{CHAR}", draw.character));
      names.add(draw.character);
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it("place the asked number of the pair's distractors, each at least the gap away from the needle", () => {
    for (const distractors of [0, 1, 4]) {
      for (const depthPercent of [0, 25, 50, 75, 100]) {
        const draw = drawProbe(plan({ distractors }), { contextLength: 16000, depthPercent, item: 2 });
        expect(draw.distractors).toHaveLength(distractors);
        for (const d of draw.distractors) {
          expect(draw.pair.distractors.map((x) => x.entity)).toContain(d.entity);
          expect(Math.abs(d.depthPercent - depthPercent)).toBeGreaterThanOrEqual(DISTRACTOR_MIN_GAP);
          expect(Number.isInteger(d.depthPercent) && d.depthPercent >= 0 && d.depthPercent <= 100).toBe(true);
        }
        expect(new Set(draw.distractors.map((d) => d.entity)).size).toBe(distractors);
      }
    }
  });

  it("refuses a depth that is not on the suite's grid", () => {
    expect(() => drawProbe(plan(), { contextLength: 1000, depthPercent: 33, item: 0 })).toThrow(/not one of this suite's depths/);
  });
});
