import { describe, expect, it } from "vitest";
import { porterStem } from "../../../../src/probes/needle/porter";
import { NEEDLE_METRICS, paperScore, rouge1F, rougeTokens, scoreNeedle } from "../../../../src/probes/needle/score";
import { NEEDLE } from "../../../../src/probes/needle/build";

const PERFECT = "eat a sandwich and sit in Dolores Park on a sunny day.";

describe("paper metric (visualize.py)", () => {
  it("tops out at 11/12 because 'a' is counted once in the set", () => {
    expect(paperScore(PERFECT)).toBeCloseTo(11 / 12, 12);
    expect(paperScore(`The best thing to do in San Francisco is to ${PERFECT}`)).toBeCloseTo(11 / 12, 12);
  });
  it("scores 10/12 without the final period ('day' != 'day.')", () => {
    expect(paperScore("eat a sandwich and sit in Dolores Park on a sunny day")).toBeCloseTo(10 / 12, 12);
  });
  it("is case-insensitive, has no precision term, and is 0 for empty or unrelated answers", () => {
    expect(paperScore(PERFECT.toUpperCase())).toBeCloseTo(11 / 12, 12);
    expect(paperScore(`${PERFECT} Also, many other words follow here and ramble on.`)).toBeCloseTo(11 / 12, 12);
    expect(paperScore("")).toBe(0);
    expect(paperScore("I don't know.")).toBe(0);
    expect(paperScore("Eat a sandwich.")).toBeCloseTo(2 / 12, 12); // "eat", "a"; "sandwich." != "sandwich"
  });
});

describe("Porter stemmer (NLTK default mode, as rouge_score uses it)", () => {
  it("stems words from Porter's paper and NLTK's documented extensions", () => {
    const expected: Record<string, string> = {
      caresses: "caress", ponies: "poni", ties: "tie", cats: "cat", feed: "feed", agreed: "agre",
      plastered: "plaster", motoring: "motor", sing: "sing", conflated: "conflat", troubled: "troubl",
      sized: "size", hopping: "hop", falling: "fall", hissing: "hiss", filing: "file", happy: "happi",
      enjoy: "enjoy", relational: "relat", conditional: "condit", rational: "ration", digitizer: "digit",
      radically: "radic", differently: "differ", vietnamization: "vietnam", operator: "oper",
      hopefulness: "hope", generalizations: "gener", electrical: "electr", adjustment: "adjust",
      adoption: "adopt", effective: "effect", probate: "probat", rate: "rate", cease: "ceas", controll: "control",
      dying: "die", skies: "sky", flies: "fli", died: "die", cried: "cri", eating: "eat", sitting: "sit",
      sandwiches: "sandwich", dolores: "dolor", sunny: "sunni", thing: "thing", francisco: "francisco",
      running: "run", archaeology: "archaeolog", geology: "geolog",
    };
    for (const [word, stem] of Object.entries(expected)) expect([word, porterStem(word)]).toEqual([word, stem]);
  });
});

describe("ROUGE-1 F (rouge_score, use_stemmer=True)", () => {
  it("tokenizes like rouge_score: lower-case, non-alphanumerics split, stem words longer than 3", () => {
    expect(rougeTokens(NEEDLE)).toEqual(
      "the best thing to do in san francisco is eat a sandwich and sit in dolor park on a sunni day".split(" "),
    );
    expect(rougeTokens("Dolores-Park's 2 sandwiches!")).toEqual(["dolor", "park", "s", "2", "sandwich"]);
  });
  it("matches hand-computed values", () => {
    // 21 reference tokens; the answer has 12, all matched (a x2, in x1): P = 1, R = 12/21 -> F = 24/33.
    expect(rouge1F(NEEDLE, PERFECT)).toBeCloseTo(24 / 33, 12);
    // "eating sandwiches" -> eat, sandwich: P = 1, R = 2/21 -> F = 4/23.
    expect(rouge1F(NEEDLE, "Eating sandwiches")).toBeCloseTo(4 / 23, 12);
    // The needle itself: F = 1. Nothing in common or empty: 0.
    expect(rouge1F(NEEDLE, NEEDLE)).toBe(1);
    expect(rouge1F(NEEDLE, "")).toBe(0);
    expect(rouge1F(NEEDLE, "Nope.")).toBe(0);
    // Multiplicity: the reference has "a" twice, so "a a a a" overlaps min(2, 4) = 2: P = 2/4, R = 2/21.
    expect(rouge1F(NEEDLE, "a a a a")).toBeCloseTo((2 * (1 / 2) * (2 / 21)) / (1 / 2 + 2 / 21), 12);
  });
});

describe("scoreNeedle", () => {
  it("returns the three metrics in [0, 1]", () => {
    expect(NEEDLE_METRICS).toEqual(["paper", "rouge1", "contains"]);
    const perfect = scoreNeedle(`The best thing to do is to ${PERFECT}`);
    expect(perfect.contains).toBe(1);
    expect(perfect.paper).toBeCloseTo(11 / 12, 12);
    expect(perfect.rouge1).toBeGreaterThan(0.8);
    expect(scoreNeedle("")).toEqual({ paper: 0, rouge1: 0, contains: 0 });
  });
  it("contains: normalizes case, punctuation and whitespace, and needs whole words", () => {
    expect(scoreNeedle("EAT A SANDWICH,  and sit in Dolores   Park on a sunny day").contains).toBe(1);
    expect(scoreNeedle("Eat a sandwich and sit in Dolores-Park\non a sunny day!!").contains).toBe(1);
    expect(scoreNeedle("eat a sandwich and sit in Dolores Park").contains).toBe(0);
    expect(scoreNeedle("beat a sandwich and sit in Dolores Park on a sunny day").contains).toBe(0);
    expect(scoreNeedle("eat a sandwich and sit in Dolores Park on a sunny days").contains).toBe(0);
  });
});
