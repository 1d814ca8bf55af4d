import { describe, expect, it } from "vitest";
import { DIVERGING_GRADIENT, differenceColor } from "../../../src/web/colors";

describe("differenceColor (the diverging scale of B − A)", () => {
  it("hits the stops: red when worse, near-white when equal, blue when better", () => {
    expect(differenceColor(-1)).toBe("#b2182b");
    expect(differenceColor(-0.5)).toBe("#ef8a62");
    expect(differenceColor(0)).toBe("#f7f7f7");
    expect(differenceColor(1)).toBe("#2166ac");
  });

  it("interpolates in RGB between stops, clamps, and refuses NaN", () => {
    // halfway #F7F7F7 → #67A9CF: (247+103)/2, (247+169)/2, (247+207)/2 = 175, 208, 227
    expect(differenceColor(0.25)).toBe("#afd0e3");
    expect(differenceColor(-3)).toBe(differenceColor(-1));
    expect(differenceColor(2)).toBe(differenceColor(1));
    expect(() => differenceColor(Number.NaN)).toThrow(RangeError);
  });

  it("puts the stops on a 0–100 % gradient", () => {
    expect(DIVERGING_GRADIENT).toBe("linear-gradient(to right, #B2182B 0%, #EF8A62 25%, #F7F7F7 50%, #67A9CF 75%, #2166AC 100%)");
  });
});
