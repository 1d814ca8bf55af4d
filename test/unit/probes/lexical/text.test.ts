import { describe, expect, it } from "vitest";
import { Bm25Index } from "../../../../src/probes/lexical/bm25";
import { scoringTerms, splitSentences, words } from "../../../../src/probes/lexical/text";

describe("splitSentences", () => {
  it("splits after .!? followed by whitespace and keeps the punctuation", () => {
    expect(splitSentences("One fish. Two fish! Red fish? Blue fish.")).toEqual([
      "One fish.",
      "Two fish!",
      "Red fish?",
      "Blue fish.",
    ]);
  });

  it("splits on newlines and drops blank pieces", () => {
    expect(splitSentences("no period here\n\n  next line  \nlast")).toEqual(["no period here", "next line", "last"]);
  });

  it("does not split inside numbers, abbreviations without space, or URLs", () => {
    expect(splitSentences("It cost $3.50 at example.com today. Done")).toEqual([
      "It cost $3.50 at example.com today.",
      "Done",
    ]);
  });

  it("keeps closing quotes with the sentence", () => {
    expect(splitSentences('He said "Go." Then he left.')).toEqual(['He said "Go."', "Then he left."]);
  });

  it("isolates a needle placed on its own line", () => {
    const needle = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";
    expect(splitSentences(`long text without end\n${needle}\nmore text. And more.`)).toContain(needle);
  });
});

describe("words and scoringTerms", () => {
  it("lowercases and splits on non-alphanumerics, keeping unicode letters", () => {
    expect(words("Café's 42nd—Street, U.S.A.!")).toEqual(["café", "s", "42nd", "street", "u", "s", "a"]);
  });

  it("drops stop words for scoring", () => {
    expect(scoringTerms("What is the best thing to do in San Francisco?")).toEqual([
      "best",
      "thing",
      "san",
      "francisco",
    ]);
  });
});

describe("Bm25Index", () => {
  const sentences = [
    "The harbor of San Francisco shelters the fleet.",
    "Whales swim in the cold sea.",
    "The best thing to do in San Francisco is eat a sandwich.",
    "The best thing to do in San Francisco is eat a sandwich.",
  ];
  const index = new Bm25Index(sentences);

  it("ranks the sentence sharing the most (rare) terms first, earliest on ties", () => {
    expect(index.best("best thing San Francisco")).toEqual({ index: 2, score: expect.any(Number) });
  });

  it("scores zero for sentences without query terms and returns undefined when nothing matches", () => {
    expect(index.scores("whales")[0]).toBe(0);
    expect(index.best("zeppelin")).toBeUndefined();
    expect(index.best("what is the")).toBeUndefined();
  });

  it("gives rarer terms more weight", () => {
    const scores = index.scores("harbor francisco");
    expect(scores[0]).toBeGreaterThan(scores[2]!);
  });

  it("handles an empty document list", () => {
    expect(new Bm25Index([]).best("anything")).toBeUndefined();
  });
});
