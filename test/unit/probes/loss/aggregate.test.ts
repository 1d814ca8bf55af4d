import { describe, expect, it } from "vitest";
import { domainOfItem, lossCell, lossFigures } from "../../../../src/probes/loss/aggregate";
import type { SettledProbe } from "../../../../src/probes/suites/suite";

const plan = { domains: ["books", "code"], documents: 2, context_lengths: [1000, 4000] };
const probe = (item: number, contextLength: number, scores: Record<string, number>, status: SettledProbe["status"] = "scored"): SettledProbe => ({
  suiteIndex: 0,
  status,
  contextLength,
  depthPercent: null,
  item,
  scores,
});

describe("loss figures", () => {
  it("give a mean with Student's t interval over documents (none for one) and exp(mean)", () => {
    expect(lossCell([2])).toEqual({ loss: 2, low: null, high: null, perplexity: Math.round(Math.exp(2) * 1e6) / 1e6, documents: 1 });
    const cell = lossCell([2, 3, 4, 5]);
    const half = 3.182 * (Math.sqrt(5 / 3) / 2);
    expect(cell.loss).toBe(3.5);
    expect(cell.low).toBeCloseTo(3.5 - half, 6);
    expect(cell.high).toBeCloseTo(3.5 + half, 6);
  });

  it("map an item to its domain", () => {
    expect([0, 1, 2, 3].map((item) => domainOfItem(plan, item))).toEqual(["books", "books", "code", "code"]);
    expect(() => domainOfItem(plan, 4)).toThrow(/outside/);
  });

  it("give Loss@L per domain and pooled, and each domain's curve from its longest texts; unscored probes are left out", () => {
    const probes = [
      probe(0, 1000, { loss: 3, pos_1000: 3 }),
      probe(1, 1000, { loss: 5, pos_1000: 5 }),
      probe(0, 4000, { loss: 2, pos_1024: 3, pos_2048: 2, pos_4000: 1 }),
      probe(1, 4000, { loss: 4, pos_1024: 5, pos_2048: 4, pos_4000: 3 }),
      probe(2, 1000, { loss: 1 }),
      probe(3, 1000, { loss: 9 }, "failed"),
    ];
    const figures = lossFigures(plan, probes);
    expect(figures.by_domain.books!["1000"]).toMatchObject({ loss: 4, documents: 2 });
    expect(figures.by_domain.books!["4000"]).toMatchObject({ loss: 3, documents: 2 });
    expect(figures.by_domain.code!["1000"]).toMatchObject({ loss: 1, documents: 1, low: null });
    expect(figures.loss_at["1000"]).toMatchObject({ loss: 3, documents: 3 });
    expect(figures.position_curve.books).toEqual({
      length: 4000,
      buckets: [
        { from: 1, to: 1024, nll: 4 },
        { from: 1025, to: 2048, nll: 3 },
        { from: 2049, to: 4000, nll: 2 },
      ],
    });
    expect(figures.position_curve.code!.length).toBe(1000);
  });
});
