import { describe, expect, it } from "vitest";
import { namesWord, scoreNonliteral } from "../../../../src/probes/nonliteral/score";

describe("non-literal scoring", () => {
  it("matches the name as a whole word, whatever the case and punctuation", () => {
    expect(namesWord("Yusra.", "Yusra")).toBe(true);
    expect(namesWord("The answer is YUSRA, clearly", "Yusra")).toBe(true);
    expect(namesWord("**Yusra**", "Yusra")).toBe(true);
    expect(namesWord("Yusraan", "Yusra")).toBe(false);
    expect(namesWord("", "Yusra")).toBe(false);
  });

  it("scores contains, the same value under its kind (and nonliteral for the inferred kinds), and distracted", () => {
    const answer = { character: "Yusra", distractorEntities: ["Lindqvist", "Okafor"] };
    expect(scoreNonliteral("Yusra", { ...answer, kind: "literal" })).toEqual({ contains: 1, literal: 1, distracted: 0 });
    expect(scoreNonliteral("Lindqvist", { ...answer, kind: "one_hop" })).toEqual({ contains: 0, one_hop: 0, nonliteral: 0, distracted: 1 });
    expect(scoreNonliteral("Yusra or maybe Okafor", { ...answer, kind: "two_hop" })).toEqual({ contains: 1, two_hop: 1, nonliteral: 1, distracted: 1 });
  });

  it("has no distracted score for a prompt without distractors", () => {
    expect(scoreNonliteral("Yusra", { kind: "one_hop", character: "Yusra", distractorEntities: [] })).toEqual({ contains: 1, one_hop: 1, nonliteral: 1 });
  });
});
