import { describe, expect, it } from "vitest";
import {
  GridError,
  KAMRADT_CONTEXT_LENGTHS,
  KAMRADT_DEPTH_PERCENTS,
  PAPER_CONTEXT_LENGTHS,
  PAPER_DEPTH_PERCENTS,
  linspaceRounded,
  quickContextLengths,
  resolveNeedleGrid,
  roundHalfToEven,
} from "../../../../src/probes/needle/grid";

function gridError(run: () => unknown): GridError {
  try {
    run();
  } catch (error) {
    if (error instanceof GridError) return error;
    throw error;
  }
  throw new Error("expected a GridError");
}

describe("linspaceRounded reproduces np.round(np.linspace(...))", () => {
  it("gives the paper's 40 lengths and 10 depths (values from the protocol note, checked with numpy 2.4)", () => {
    expect(PAPER_CONTEXT_LENGTHS).toEqual([
      1000, 4256, 7513, 10769, 14026, 17282, 20538, 23795, 27051, 30308, 33564, 36821, 40077, 43333, 46590, 49846,
      53103, 56359, 59615, 62872, 66128, 69385, 72641, 75897, 79154, 82410, 85667, 88923, 92179, 95436, 98692,
      101949, 105205, 108462, 111718, 114974, 118231, 121487, 124744, 128000,
    ]);
    expect(PAPER_DEPTH_PERCENTS).toEqual([0, 11, 22, 33, 44, 56, 67, 78, 89, 100]);
  });

  it("gives the 15 x 15 kamradt grid (numpy values)", () => {
    expect(KAMRADT_CONTEXT_LENGTHS).toEqual([
      1000, 10071, 19143, 28214, 37286, 46357, 55429, 64500, 73571, 82643, 91714, 100786, 109857, 118929, 128000,
    ]);
    expect(KAMRADT_DEPTH_PERCENTS).toEqual([0, 7, 14, 21, 29, 36, 43, 50, 57, 64, 71, 79, 86, 93, 100]);
  });

  it("rounds halves to even like numpy, unlike Math.round", () => {
    expect(linspaceRounded(0, 1, 3)).toEqual([0, 0, 1]); // 0.5 -> 0
    expect(linspaceRounded(0, 5, 3)).toEqual([0, 2, 5]); // 2.5 -> 2
    expect(linspaceRounded(0, 3, 3)).toEqual([0, 2, 3]); // 1.5 -> 2
    expect([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001].map(roundHalfToEven)).toEqual([0, 2, 2, 4, 2, 3]);
    expect(linspaceRounded(1000, 8192, 6)).toEqual([1000, 2438, 3877, 5315, 6754, 8192]);
    expect(linspaceRounded(7, 7, 1)).toEqual([7]);
  });
});

describe("resolveNeedleGrid", () => {
  it("paper preset with a 131072 window is all 400 cells", () => {
    const grid = resolveNeedleGrid({ preset: "paper" }, 131072);
    expect(grid.contextLengths).toHaveLength(40);
    expect(grid.depthPercents).toHaveLength(10);
    expect(grid.contextLengths.length * grid.depthPercents.length).toBe(400);
    expect(resolveNeedleGrid({}, 131072)).toEqual(grid); // paper is the default preset
  });

  it("reports every bad entry of both lists in one error", () => {
    const error = gridError(() => resolveNeedleGrid({ context_lengths: [1000, 2.5, 9000, 1000], depth_percents: [101, 50, 50] }, 8192));
    expect(error.issues).toEqual([
      { field: "context_lengths/1", detail: "must be an integer, got 2.5" },
      { field: "context_lengths/2", detail: "9000 is above context_window 8192" },
      { field: "context_lengths/3", detail: "duplicate context length 1000" },
      { field: "depth_percents/0", detail: "must be a number from 0 to 100, got 101" },
      { field: "depth_percents/2", detail: "duplicate depth 50" },
    ]);
    expect(error.field).toBe("context_lengths/1");
  });

  it("refuses the paper preset on a smaller window, naming the first length above it", () => {
    const error = gridError(() => resolveNeedleGrid({ preset: "paper" }, 32768));
    expect(error.field).toBe("preset");
    expect(error.detail).toContain("33564");
    expect(error.detail).toContain("32768");
    expect(gridError(() => resolveNeedleGrid({ preset: "kamradt" }, 100000)).detail).toContain("100786");
  });

  it("with max_output_tokens, each length plus the reply must fit the window", () => {
    // 127000 + 4096 > 131072: the server would refuse or cut that call; 126976 is the longest that fits.
    const explicit = gridError(() => resolveNeedleGrid({ context_lengths: [4096, 127000, 126976], depth_percents: [50] }, 131072, 4096));
    expect(explicit.issues).toEqual([{ field: "context_lengths/1", detail: "127000 plus max_output_tokens 4096 is above context_window 131072 (at most 126976)" }]);
    const paper = gridError(() => resolveNeedleGrid({ preset: "paper" }, 131072, 8192));
    expect(paper.field).toBe("preset");
    expect(paper.detail).toContain(String(PAPER_CONTEXT_LENGTHS.find((length) => length > 131072 - 8192)));
    expect(paper.detail).toContain("at most 122880");
    expect(resolveNeedleGrid({ preset: "paper" }, 131072, 3072).contextLengths).toEqual(PAPER_CONTEXT_LENGTHS); // 128000 + 3072 fits
    expect(Math.max(...resolveNeedleGrid({ preset: "quick" }, 32768, 8192).contextLengths)).toBe(24576);
    expect(resolveNeedleGrid({ context_lengths: [32768], depth_percents: [0] }, 32768).contextLengths).toEqual([32768]); // no reply budget: the window alone
    expect(gridError(() => resolveNeedleGrid({ preset: "quick" }, 8192, 8000)).field).toBe("context_window");
  });

  it("quick is 6 lengths x 5 depths from 1000 up to min(window, 128000)", () => {
    expect(resolveNeedleGrid({ preset: "quick" }, 200000)).toEqual({
      contextLengths: [1000, 26400, 51800, 77200, 102600, 128000],
      depthPercents: [0, 25, 50, 75, 100],
    });
    expect(resolveNeedleGrid({ preset: "quick" }, 32768).contextLengths).toEqual([1000, 7354, 13707, 20061, 26414, 32768]);
    expect(quickContextLengths(4096).at(-1)).toBe(4096);
    expect(quickContextLengths(600)).toEqual([600]); // a tiny window collapses to distinct values
    expect(gridError(() => quickContextLengths(299)).field).toBe("context_window");
  });

  it("explicit lists override the preset's list of that axis only", () => {
    expect(resolveNeedleGrid({ preset: "quick", depth_percents: [10, 90] }, 8192)).toEqual({
      contextLengths: [1000, 2438, 3877, 5315, 6754, 8192],
      depthPercents: [10, 90],
    });
    // Explicit lengths make the paper preset usable on a small window (only its depths are used).
    expect(resolveNeedleGrid({ preset: "paper", context_lengths: [2000, 4000] }, 4096)).toEqual({
      contextLengths: [2000, 4000],
      depthPercents: PAPER_DEPTH_PERCENTS,
    });
    expect(resolveNeedleGrid({ context_lengths: [4096], depth_percents: [0, 12.5] }, 4096)).toEqual({
      contextLengths: [4096],
      depthPercents: [0, 12.5],
    });
  });

  it("refuses bad lengths with the offending index", () => {
    const cases: [number[], string, string][] = [
      [[1000, 9000], "context_lengths/1", "above context_window"],
      [[1000, 299], "context_lengths/1", "below the minimum 300"],
      [[300, 1000, 300], "context_lengths/2", "duplicate"],
      [[1000.5], "context_lengths/0", "integer"],
      [[], "context_lengths", "non-empty"],
    ];
    for (const [lengths, field, detail] of cases) {
      const error = gridError(() => resolveNeedleGrid({ context_lengths: lengths }, 8192));
      expect(error.field).toBe(field);
      expect(error.detail).toContain(detail);
    }
    expect(resolveNeedleGrid({ context_lengths: [300, 8192] }, 8192).contextLengths).toEqual([300, 8192]);
  });

  it("refuses bad depths with the offending index", () => {
    const cases: [number[], string][] = [
      [[0, 101], "depth_percents/1"],
      [[-1], "depth_percents/0"],
      [[50, Number.NaN], "depth_percents/1"],
      [[50, 50], "depth_percents/1"],
      [[], "depth_percents"],
    ];
    for (const [depths, field] of cases) {
      expect(gridError(() => resolveNeedleGrid({ preset: "quick", depth_percents: depths }, 8192)).field).toBe(field);
    }
  });

  it("refuses unknown presets and bad windows", () => {
    expect(gridError(() => resolveNeedleGrid({ preset: "nope" as "paper" }, 8192)).field).toBe("preset");
    expect(gridError(() => resolveNeedleGrid({ preset: "quick" }, 100)).field).toBe("context_window");
    expect(gridError(() => resolveNeedleGrid({ preset: "quick" }, 4096.5)).field).toBe("context_window");
  });
});
