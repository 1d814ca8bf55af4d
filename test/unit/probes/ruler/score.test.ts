import { describe, expect, it } from "vitest";
import { rulerFigures, type RulerSample } from "../../../../src/probes/ruler/aggregate";
import { postprocessPrediction, scoreRuler, stringMatchAll, stringMatchPart } from "../../../../src/probes/ruler/score";

describe("RULER's scorers", () => {
  it("string_match_all: the share of expected strings the reply contains, case-insensitively", () => {
    expect(stringMatchAll("The numbers are 123 and 456.", ["123", "456", "789", "000"])).toBe(0.5);
    expect(stringMatchAll("ABLE-APPLE", ["able-apple"])).toBe(1);
    expect(stringMatchAll("", ["x"])).toBe(0);
  });

  it("string_match_part: any expected string is enough (qa)", () => {
    expect(stringMatchPart("It was in Paris, France", ["paris", "Lyon"])).toBe(1);
    expect(stringMatchPart("Berlin", ["paris", "Lyon"])).toBe(0);
    expect(scoreRuler("qa_1", "paris", ["Paris", "Lyon"])).toEqual({ ruler: 1, qa_1: 1 });
    expect(scoreRuler("cwe", "a b", ["a", "b", "c", "d"])).toEqual({ ruler: 0.5, cwe: 0.5 });
  });

  it("trims and turns control characters into newlines as evaluate.py does", () => {
    expect(postprocessPrediction("  a\u0000b\t \n")).toBe("a\nb");
  });
});

const samples = (task: RulerSample["task"], contextLength: number, scores: number[]): RulerSample[] => scores.map((score) => ({ task, contextLength, score }));

describe("RULER's figures", () => {
  it("average the task means per length and overall; a perfect model's effective length is its longest", () => {
    const all = [4096, 8192].flatMap((l) => [...samples("niah_single_1", l, [1, 1, 1]), ...samples("vt", l, [1, 1, 1])]);
    const figures = rulerFigures({ tasks: ["niah_single_1", "vt"], context_lengths: [4096, 8192], samples: 3 }, all);
    expect(figures.average).toBe(100);
    expect(figures.average_by_length["8192"]).toEqual({ mean: 100, low: 100, high: 100, n: 6 });
    expect(figures.effective_context_length.ruler).toMatchObject({ length: 8192, low: 8192, high: 8192, threshold: 0.856, definition: "absolute" });
    expect(figures.effective_context_length.relative.length).toBe(8192);
  });

  it("weighs tasks equally, whatever their probe counts, and stops at the first length below 85.6", () => {
    const all = [
      ...samples("niah_single_1", 4096, [1, 1, 1, 1]),
      ...samples("cwe", 4096, [0.8]),
      ...samples("niah_single_1", 8192, [1, 1]),
      ...samples("cwe", 8192, [0.6, 0.6]),
      ...samples("niah_single_1", 16384, [1, 1]),
      ...samples("cwe", 16384, [1, 1]),
    ];
    const figures = rulerFigures({ tasks: ["niah_single_1", "cwe"], context_lengths: [16384, 4096, 8192], samples: 2 }, all);
    expect(figures.context_lengths).toEqual([4096, 8192, 16384]);
    expect(figures.average_by_length["4096"]!.mean).toBe(90);
    expect(figures.average_by_length["8192"]!.mean).toBe(80);
    expect(figures.by_task.cwe!.by_length["8192"]).toMatchObject({ mean: 60, n: 2 });
    expect(figures.effective_context_length.ruler.length).toBe(4096);
    // Relative: 0.85 × 90 = 76.5, which 8K's 80 passes.
    expect(figures.effective_context_length.relative).toMatchObject({ length: 16384, threshold: 0.765 });
    const { low, high } = figures.average_by_length["4096"]!;
    expect(low).toBeLessThanOrEqual(90);
    expect(high).toBeGreaterThanOrEqual(90);
  });

  it("passes no length when the shortest is below the bar, and gives no average without probes", () => {
    const figures = rulerFigures({ tasks: ["vt"], context_lengths: [4096], samples: 2 }, samples("vt", 4096, [0, 1]));
    expect(figures.effective_context_length.ruler.length).toBeNull();
    expect(rulerFigures({ tasks: ["vt"], context_lengths: [4096], samples: 2 }, []).average).toBeNull();
  });
});

describe("the shuffle's last element", () => {
  it("is the one lastOfShuffle names, from one draw", async () => {
    const { lastOfShuffle, shuffle } = await import("../../../../src/probes/ruler/draws");
    const { mulberry32, shuffled } = await import("../../../../src/probes/random");
    for (let seed = 0; seed < 50; seed++) {
      const items = Array.from({ length: 1 + (seed % 17) }, (_, i) => i);
      expect(shuffle(items, mulberry32(seed)).at(-1)).toBe(items[lastOfShuffle(items.length, mulberry32(seed))]);
      expect(shuffle(items, mulberry32(seed))).toEqual(shuffled(items, mulberry32(seed)));
    }
  });
});
