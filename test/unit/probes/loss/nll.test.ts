import { describe, expect, it } from "vitest";
import { alignLogprobs, bucketEnds, LogprobAlignmentError, meanNll, positionCurve } from "../../../../src/probes/loss/nll";
import { lossScores } from "../../../../src/probes/suites/loss";

describe("aligning a server's prompt log-probabilities with our L tokens", () => {
  it("takes L entries as they are and L + 1 as a BOS first; position 1 has no value", () => {
    const plain = alignLogprobs([null, -1, -2, -3], 4);
    expect([...plain].slice(1)).toEqual([-1, -2, -3]);
    expect(Number.isNaN(plain[0])).toBe(true);
    expect([...alignLogprobs([null, -9, -1, -2, -3], 4)].slice(1)).toEqual([-1, -2, -3]);
  });

  it("refuses other counts, missing values and positive log-probabilities, with the reason", () => {
    expect(() => alignLogprobs([null, -1], 4)).toThrow(LogprobAlignmentError);
    expect(() => alignLogprobs([null, -1, -1, -1, -1, -1], 4)).toThrow(/returned 6 prompt log-probabilities for a 4-token text/);
    expect(() => alignLogprobs([null, -1, null, -1], 4)).toThrow(/position 3 is null/);
    expect(() => alignLogprobs([null, -1, 0.5, -1], 4)).toThrow(/position 3 is 0.5/);
  });
});

describe("loss and the position curve", () => {
  it("averages the NLL of tokens 2…L", () => {
    expect(meanNll(alignLogprobs([null, -1, -2, -3], 4))).toBe(2);
  });

  it("buckets positions by powers of two up to L, leaving position 1 out", () => {
    expect(bucketEnds(1000)).toEqual([1000]);
    expect(bucketEnds(1024)).toEqual([1024]);
    expect(bucketEnds(5000)).toEqual([1024, 2048, 4096, 5000]);
    const logprobs = new Float64Array(3000);
    logprobs[0] = NaN;
    for (let i = 1; i < 3000; i++) logprobs[i] = i < 1024 ? -4 : -2;
    expect(positionCurve(logprobs)).toEqual([
      { from: 1, to: 1024, nll: 4 },
      { from: 1025, to: 2048, nll: 2 },
      { from: 2049, to: 3000, nll: 2 },
    ]);
    const scores = lossScores(logprobs);
    expect(scores.loss).toBeCloseTo((1023 * 4 + 1976 * 2) / 2999, 12);
    expect(scores.perplexity).toBeCloseTo(Math.exp(scores.loss!), 12);
    expect(scores).toMatchObject({ pos_1024: 4, pos_2048: 2, pos_3000: 2 });
  });
});
