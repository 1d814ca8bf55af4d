import { describe, expect, it } from "vitest";
import { formatDuration, progressLine, textHeatmap } from "../../../src/cli/render";

describe("terminal rendering", () => {
  it("shows progress with rate and ETA", () => {
    const line = progressLine({ label: "m", done: 10, total: 40, failed: 1, status: "running", startedAt: 0 }, 5000, 8);
    expect(line).toContain("[██░░░░░░]");
    expect(line).toContain("10/40");
    expect(line).toContain("2.0 probes/s");
    expect(line).toContain("ETA 15s");
    expect(line).toContain("1 failed");
  });

  it("shows retries and the latest error while probes wait", () => {
    const line = progressLine({ label: "m", done: 0, total: 40, failed: 0, status: "running", startedAt: 0, retrying: 4, lastError: "attempt 2: cannot reach http://localhost:1/v1/completions (connection refused): x" }, 5000, 8);
    expect(line).toContain("retrying 4: attempt 2: cannot reach http://localhost:1/v1/completions (connection refused)");
    const long = progressLine({ label: "m", done: 0, total: 1, failed: 0, status: "running", startedAt: 0, retrying: 1, lastError: "e".repeat(300) }, 5000, 8);
    expect(long.endsWith("…")).toBe(true);
    expect(progressLine({ label: "m", done: 0, total: 1, failed: 0, status: "running", startedAt: 0, retrying: 0 }, 5000, 8)).not.toContain("retrying");
  });

  it("formats durations", () => {
    expect(formatDuration(59)).toBe("59s");
    expect(formatDuration(61)).toBe("1m01s");
    expect(formatDuration(3700)).toBe("1h01m");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("--");
  });

  it("draws a heatmap with rows as depths and full K labels", () => {
    const text = textHeatmap({ context_lengths: [1000, 128000], depth_percents: [0, 100], scores: [[1, 0], [null, 0.5]] });
    const lines = text.split("\n");
    expect(lines[1]).toBe("   0% │████     │");
    expect(lines[2]).toBe(" 100% │···· ▒▒▒▒│");
    expect(lines[3]).toContain("128K");
  });
});
