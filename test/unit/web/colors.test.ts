import { describe, expect, it } from "vitest";
import { scoreColor } from "../../../src/web/colors";

describe("scoreColor (Fu et al.'s heatmap scale)", () => {
  it("hits the three stops exactly", () => {
    expect(scoreColor(0)).toBe("#f0496e");
    expect(scoreColor(0.5)).toBe("#ebb839");
    expect(scoreColor(1)).toBe("#0cd79f");
  });

  it("interpolates linearly in RGB between neighbouring stops", () => {
    // halfway red → yellow: (240+235)/2, (73+184)/2, (110+57)/2 = 237.5, 128.5, 83.5 → rounded
    expect(scoreColor(0.25)).toBe("#ee8154");
    // halfway yellow → green: (235+12)/2, (184+215)/2, (57+159)/2 = 123.5, 199.5, 108
    expect(scoreColor(0.75)).toBe("#7cc86c");
    // the paper's perfect answer (11/12 word recall): t = 5/6 of yellow → green = 49.2, 209.8, 142
    expect(scoreColor(11 / 12)).toBe("#31d28e");
  });

  it("clamps out-of-range scores and refuses NaN", () => {
    expect(scoreColor(-0.3)).toBe(scoreColor(0));
    expect(scoreColor(1.7)).toBe(scoreColor(1));
    expect(() => scoreColor(Number.NaN)).toThrow(RangeError);
  });
});
