// Endpoint tokenization, the pure parts: the calibration math and the cuts of a probe counted in an endpoint's tokens.
import { describe, expect, it } from "vitest";
import { endpointTokensOf, fitCalibration, proxyBudget } from "../../../../src/probes/needle/endpoint-build";

describe("calibration math", () => {
  it("fits reported = intercept + ratio × proxy by least squares", () => {
    const samples = [1000, 4000, 16000].map((proxyTokens) => ({ proxyTokens, reportedTokens: 1 + 1.25 * proxyTokens }));
    const fit = fitCalibration(samples);
    expect(fit.ratio).toBeCloseTo(1.25, 10);
    expect(fit.intercept).toBeCloseTo(1, 8);
  });

  it("goes through the origin with one sample, and refuses none", () => {
    expect(fitCalibration([{ proxyTokens: 1000, reportedTokens: 1100 }])).toEqual({ ratio: 1.1, intercept: 0 });
    expect(() => fitCalibration([])).toThrow(RangeError);
    expect(() => fitCalibration([{ proxyTokens: 1000, reportedTokens: 0 }])).toThrow(RangeError);
  });

  it("maps an endpoint budget to proxy tokens and back", () => {
    const calibration = { ratio: 1.25, intercept: 3 };
    expect(proxyBudget(127_800, calibration)).toBe(102_240);
    expect(endpointTokensOf(102_240, calibration)).toBe(127_800);
    expect(endpointTokensOf(102_240 + 44, calibration, true)).toBe(127_858);
    // Noisy samples: the fitted line stays within a token of them.
    const noisy = [{ proxyTokens: 1044, reportedTokens: 1240 }, { proxyTokens: 4044, reportedTokens: 4841 }, { proxyTokens: 16044, reportedTokens: 19241 }];
    const fit = fitCalibration(noisy);
    for (const s of noisy) expect(Math.abs(endpointTokensOf(s.proxyTokens, fit, true) - s.reportedTokens)).toBeLessThanOrEqual(1);
  });
});
