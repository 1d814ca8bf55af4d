// Axis labels never overlap: the length curve's and the heatmap's labels on the paper and kamradt
// grids (and the demo's), at several chart widths.
import { describe, expect, it } from "vitest";
import { xTickLabels } from "../../../src/web/charts";
import { formatK } from "../../../src/web/format";
import { columnLabels } from "../../../src/web/heatmap";
import { KAMRADT_CONTEXT_LENGTHS, PAPER_CONTEXT_LENGTHS, PAPER_DEPTH_PERCENTS } from "../../../src/probes/needle/grid";
import { textWidth, thinTicks, TICK_GAP } from "../../../src/web/ticks";

const GRIDS: Record<string, readonly number[]> = {
  paper: PAPER_CONTEXT_LENGTHS,
  kamradt: KAMRADT_CONTEXT_LENGTHS,
  demo: [1000, 4000, 8000, 16000, 32000, 64000, 96000, 128000],
};

/** Gaps between neighbouring labels' edges (negative = they overlap). */
function gaps(labels: { at: number; size: number }[]): number[] {
  return labels.slice(1).map((b, i) => b.at - b.size / 2 - (labels[i]!.at + labels[i]!.size / 2));
}

describe("axis labels", () => {
  for (const [grid, lengths] of Object.entries(GRIDS)) {
    for (const width of [240, 380, 600, 900]) {
      it(`the ${grid} length curve's labels stay apart at width ${width}, first and last shown`, () => {
        const points = lengths.map((x) => ({ x, label: formatK(x), y: 50 }));
        const labels = xTickLabels(points, "log2", width);
        expect(Math.min(...gaps(labels))).toBeGreaterThanOrEqual(TICK_GAP);
        expect(labels[0]!.label).toBe(formatK(lengths[0]!));
        expect(labels.at(-1)!.label).toBe("128K");
        expect(labels.length).toBeGreaterThan(1);
      });
    }
    for (const width of [400, 760, 1200]) {
      it(`the ${grid} heatmap's column labels stay apart at width ${width}`, () => {
        const labels = columnLabels(lengths, width);
        expect(Math.min(...gaps(labels))).toBeGreaterThanOrEqual(TICK_GAP);
        expect(labels.at(-1)!.label).toBe("128K");
      });
    }
  }

  it("keeps every label where there is room, and thins where there is not", () => {
    expect(xTickLabels(GRIDS.demo!.map((x) => ({ x, label: formatK(x), y: 1 })), "log2", 2000)).toHaveLength(8);
    // The paper's 40 lengths on a log axis bunch up at the long end: the old "55K74K82K110K128K" cannot come back.
    const paper = xTickLabels(PAPER_CONTEXT_LENGTHS.map((x) => ({ x, label: formatK(x), y: 1 })), "log2", 380).map((l) => l.label);
    expect(paper.length).toBeLessThan(12);
    expect(columnLabels(PAPER_CONTEXT_LENGTHS, 760).length).toBeLessThan(PAPER_CONTEXT_LENGTHS.length);
    expect(columnLabels(PAPER_DEPTH_PERCENTS, 760)).toHaveLength(PAPER_DEPTH_PERCENTS.length);
  });

  it("keeps the last label alone when even first and last collide", () => {
    expect(thinTicks([{ at: 0, size: 10 }, { at: 5, size: 10 }])).toEqual([false, true]);
    expect(thinTicks([])).toEqual([]);
    expect(thinTicks([{ at: 3, size: textWidth("1K", 11) }])).toEqual([true]);
  });
});
