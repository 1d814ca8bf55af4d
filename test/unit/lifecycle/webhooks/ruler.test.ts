import { describe, expect, it } from "vitest";
import type { RunRow } from "../../../../src/db/schema";
import { runEventPayload } from "../../../../src/lifecycle/webhooks/payload";
import { rulerFigures } from "../../../../src/probes/ruler/aggregate";
import type { SuiteAggregate } from "../../../../src/probes/suites/suite";

const run = { id: "run_1", status: "succeeded", modelName: "m", reference: 0, public: 1, series: null, step: null, tokensTrained: null, total: 4, done: 4, failed: 0, unscorable: 0, truncated: 0, incomplete: 0, tokenMismatches: 0, regression: null, error: null, createdAt: 0, finishedAt: 1000, lastProgressAt: 1000 } as unknown as RunRow;

describe("a RULER suite in the webhook payload", () => {
  it("carries the RULER average and the effective length by RULER's rule with its interval", () => {
    const samples = [4096, 8192].flatMap((contextLength) => [1, 1].map((score) => ({ task: "vt" as const, contextLength, score: contextLength === 8192 ? 0.5 : score })));
    const figures = rulerFigures({ tasks: ["vt"], context_lengths: [4096, 8192], samples: 2 }, samples);
    const suite: SuiteAggregate = { index: 0, type: "ruler", tokenizer: "cl100k_base", probes: 4, scored: 4, unscorable: 0, failed: 0, truncated: 0, incomplete: 0, scores: { ruler: figures.average, vt: 75 }, ruler: figures };
    const payload = runEventPayload("run.succeeded", run, [suite], "https://ctxprobe.example");
    expect(payload.data.suites[0]).toMatchObject({ type: "ruler", scores: { ruler: 75 }, ruler: { average: 75, effective_context_length: { length: 4096, low: 4096, high: 4096 } } });
  });
});
