import { describe, expect, it } from "vitest";
import type { RunRow } from "../../../../src/db/schema";
import { runEventPayload } from "../../../../src/lifecycle/webhooks/payload";
import type { SuiteAggregate } from "../../../../src/probes/suites/suite";

const run = {
  id: "run_1",
  status: "succeeded",
  modelName: "m",
  reference: 0,
  public: 1,
  series: null,
  step: null,
  tokensTrained: null,
  total: 2,
  done: 2,
  failed: 0,
  unscorable: 0,
  truncated: 0,
  incomplete: 0,
  tokenMismatches: 0,
  regression: null,
  error: null,
  createdAt: 0,
  finishedAt: 1000,
  lastProgressAt: 1000,
} as unknown as RunRow;

const gap = { length: 15000, low: 12000, high: 16000, definition: "relative" as const, resamples: 1000 };
const nonliteral: SuiteAggregate = {
  index: 1,
  type: "nonliteral",
  tokenizer: "cl100k_base",
  probes: 2,
  scored: 2,
  unscorable: 0,
  truncated: 0,
  incomplete: 0,
  failed: 0,
  scores: { nonliteral: 0, literal: 100 },
  effective_context_length: { length: null, low: null, high: null, threshold: 0, definition: "relative", resamples: 0, metric: "contains" },
  nonliteral: { kinds: ["literal", "one_hop"], distractors: 1, haystack_order: "coherent", by_kind: {}, pooled: null, literal_gap: { relative: gap, absolute: { ...gap, definition: "absolute" } } },
};

describe("run event payload", () => {
  it("carries a non-literal suite's scores and literal gap, and no gap for other suites", () => {
    const needle: SuiteAggregate = { index: 0, type: "needle", tokenizer: "cl100k_base", probes: 1, scored: 1, unscorable: 0, failed: 0, truncated: 0, incomplete: 0, scores: { paper: 91.67 } };
    const payload = runEventPayload("run.succeeded", run, [needle, nonliteral], "https://ctxprobe.example");
    expect(payload.data.suites[1]).toMatchObject({ type: "nonliteral", scores: { nonliteral: 0, literal: 100 }, literal_gap: { length: 15000, low: 12000, high: 16000 } });
    expect(payload.data.suites[0]).not.toHaveProperty("literal_gap");
    expect(payload.data.effective_context_length).toBeNull();
  });

  it("carries a loss suite's Loss@L with its interval", () => {
    const cell = { loss: 2.5, low: 2.25, high: 2.75, perplexity: 12.18, documents: 4 };
    const loss: SuiteAggregate = {
      index: 0,
      type: "loss",
      tokenizer: "cl100k_base",
      probes: 8,
      scored: 8,
      unscorable: 0,
      truncated: 0,
      incomplete: 0,
      failed: 0,
      scores: { loss: 2.6, perplexity: 13.46 },
      loss: { domains: ["sotu"], documents: 4, by_domain: { sotu: { "1000": cell } }, loss_at: { "1000": cell, "4000": { ...cell, loss: 2.1 } }, position_curve: {} },
    };
    const payload = runEventPayload("run.succeeded", run, [loss], "https://ctxprobe.example");
    expect(payload.data.suites[0]).toMatchObject({ type: "loss", scores: { loss: 2.6 }, loss_at: { "1000": { loss: 2.5, low: 2.25, high: 2.75 }, "4000": { loss: 2.1 } } });
  });

  it("carries a multiple-choice suite's scoring mode and accuracies", () => {
    const acc = { acc: 44.5, low: 40, high: 49, n: 112 };
    const mmlu: SuiteAggregate = {
      index: 0,
      type: "mmlu",
      tokenizer: "cl100k_base",
      probes: 112,
      scored: 112,
      unscorable: 0,
      truncated: 0,
      incomplete: 0,
      failed: 0,
      scores: { micro: 44.5, macro: 43 },
      mmlu: { scoring: "loglikelihood", shots: 5, shots_from: "dev", micro: acc, macro: { ...acc, acc: 43, subjects: 8 }, by_subject: {}, by_group: {} },
    };
    const payload = runEventPayload("run.succeeded", run, [mmlu], "https://ctxprobe.example");
    expect(payload.data.suites[0]).toMatchObject({ type: "mmlu", mmlu: { scoring: "loglikelihood", micro: 44.5, macro: 43 } });
  });
});
