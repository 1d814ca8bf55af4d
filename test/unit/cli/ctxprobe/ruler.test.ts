import { describe, expect, it } from "vitest";
import { parseCommandArgs } from "../../../../src/cli/ctxprobe/args";
import { EVAL_OPTIONS, evalSettingsFrom, runRequestFrom } from "../../../../src/cli/ctxprobe/eval";
import { gateVerdict } from "../../../../src/cli/ctxprobe/gate";
import { UsageError } from "../../../../src/cli/ctxprobe/io";

const BASE = ["--base-url", "http://127.0.0.1:8000/v1", "--model", "my-7b"];
const values = (argv: string[]) => parseCommandArgs("eval", [...BASE, ...argv], EVAL_OPTIONS).values;

describe("ctxprobe eval --ruler", () => {
  it("adds a RULER suite alone (no default needle suite) with its tasks, lengths, samples and seed", () => {
    const body = runRequestFrom(values(["--ruler", "--ruler-tasks", "niah_single_1,vt", "--ruler-lengths", "4096,16384", "--samples", "5", "--seed", "3"]), {});
    expect(body.suites).toEqual([{ type: "ruler", tasks: ["niah_single_1", "vt"], context_lengths: [4096, 16384], samples: 5, seed: 3 }]);
    expect(runRequestFrom(values(["--ruler"]), {}).suites).toEqual([{ type: "ruler" }]);
  });

  it("refuses RULER's flags without --ruler and unknown task names", () => {
    expect(() => runRequestFrom(values(["--samples", "5"]), {})).toThrow(UsageError);
    expect(() => runRequestFrom(values(["--ruler", "--ruler-tasks", "niah_single_9"]), {})).toThrow(/--ruler-tasks/);
  });

  it("gates on the RULER average with --min-ruler (and needs --wait for it)", () => {
    const run = (average: number | null) => ({ status: "succeeded" as const, error: null, suites: [{ index: 0, type: "ruler", tokenizer: "cl100k_base", probes: 1, scored: 1, unscorable: 0, failed: 0, truncated: 0, incomplete: 0, scores: { ruler: average } }] });
    expect(gateVerdict(run(90), "paper", undefined, { minRuler: 85.6 })).toEqual({ pass: true, message: "PASS: RULER average 90.00 ≥ 85.6" });
    expect(gateVerdict(run(80), "paper", undefined, { minRuler: 85.6 }).pass).toBe(false);
    expect(gateVerdict(run(null), "paper", undefined, { minRuler: 50 }).message).toMatch(/no RULER average/);
    expect(() => evalSettingsFrom(values(["--ruler", "--min-ruler", "80"]))).toThrow(/needs --wait/);
    expect(evalSettingsFrom(values(["--ruler", "--wait", "--min-ruler", "80", "--metric", "ruler.vt"]))).toMatchObject({ minRuler: 80, metric: "ruler.vt" });
  });
});
