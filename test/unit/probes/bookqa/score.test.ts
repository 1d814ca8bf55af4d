import { describe, expect, it } from "vitest";
import {
  infiniteBenchChoice,
  infiniteBenchQaF1,
  normalizeAnswer,
  paperRecall,
  processChoice,
  scoreBookQa,
  tokenF1,
} from "../../../../src/probes/bookqa/score";
import { pySplit, pyStrip } from "../../../../src/probes/bookqa/pystr";

describe("Python string helpers", () => {
  it("split/strip use Python's whitespace set, not JavaScript's", () => {
    expect(pySplit("  a\tb\n\nc\u3000d\u001ce ")).toEqual(["a", "b", "c", "d", "e"]);
    expect(pySplit("\ufeffx")).toEqual(["\ufeffx"]); // BOM is not whitespace in Python
    expect(pySplit("")).toEqual([]);
    expect(pyStrip("\u0085 x \u2003")).toBe("x");
    expect(pyStrip("\ufeffx")).toBe("\ufeffx");
  });
});

describe("InfiniteBench normalize_answer", () => {
  it("lower-cases, drops string.punctuation, removes articles, collapses whitespace", () => {
    expect(normalizeAnswer("  The  Spouter-Inn!  ")).toBe("spouterinn");
    expect(normalizeAnswer("A whale, an oar and THE sea")).toBe("whale oar and sea");
    expect(normalizeAnswer("Ahab's leg")).toBe("ahabs leg");
    expect(normalizeAnswer("snake_case")).toBe("snakecase"); // "_" is punctuation
  });

  it("treats article boundaries like Python's Unicode \\b, not JavaScript's ASCII \\b", () => {
    expect(normalizeAnswer("thé café")).toBe("thé café");
    expect(normalizeAnswer("a1 an2 the")).toBe("a1 an2");
    expect(normalizeAnswer("theatre anchor")).toBe("theatre anchor");
  });

  it("keeps non-ASCII punctuation (only string.punctuation is removed)", () => {
    expect(normalizeAnswer("Moby—Dick")).toBe("moby—dick");
  });
});

describe("InfiniteBench token F1", () => {
  it("is 1 for an exact match after normalisation and 0 when nothing is shared", () => {
    expect(infiniteBenchQaF1("Ishmael.", ["ishmael"])).toBe(1);
    expect(infiniteBenchQaF1("Queequeg", ["Ishmael"])).toBe(0);
  });

  it("counts multiplicity (multiset intersection)", () => {
    expect(tokenF1(["heads", "heads", "heads"], ["heads"])).toBeCloseTo(0.5);
    expect(tokenF1(["a", "a"], ["a", "a", "b"])).toBeCloseTo(0.8);
  });

  it("computes 2PR/(P+R)", () => {
    // pred "new zealand heads" vs gold "embalmed new zealand heads": P = 1, R = 3/4.
    expect(infiniteBenchQaF1("New Zealand heads", ["embalmed New Zealand heads"])).toBeCloseTo(6 / 7);
    // articles vanish before counting: "answer is whale" vs "whale".
    expect(infiniteBenchQaF1("The answer is a whale", ["whale"])).toBeCloseTo(0.5);
  });

  it("takes the maximum over gold answers and is 0 without golds or prediction", () => {
    expect(infiniteBenchQaF1("Lima", ["Venice", "Lima, Peru", "Lima"])).toBe(1);
    expect(infiniteBenchQaF1("Lima", [])).toBe(0);
    expect(infiniteBenchQaF1("", ["Lima"])).toBe(0);
    expect(infiniteBenchQaF1("the", ["the"])).toBe(0); // both normalise to nothing
  });

  it("glues hyphenated words (punctuation is deleted, not spaced)", () => {
    expect(infiniteBenchQaF1("Try-Pots", ["Try Pots"])).toBe(0);
  });
});

describe("InfiniteBench get_score_one_longbook_choice_eng", () => {
  const B: [string, string] = ["the monkey-rope", "B"];

  it("empty or whitespace-only prediction → 0", () => {
    expect(infiniteBenchChoice("", B)).toBe(0);
    expect(infiniteBenchChoice(" \n\t ", B)).toBe(0);
  });

  it("first character an upper-case A–D decides by that letter alone", () => {
    expect(infiniteBenchChoice("B", B)).toBe(1);
    expect(infiniteBenchChoice("  B. the monkey-rope\n", B)).toBe(1);
    expect(infiniteBenchChoice("C", B)).toBe(0);
    expect(infiniteBenchChoice("Definitely B", B)).toBe(0); // read as "D"
    expect(infiniteBenchChoice("According to the text, the answer is B", B)).toBe(0); // read as "A"
    expect(infiniteBenchChoice("According to the text", ["x", "A"])).toBe(1);
    // An option text starting with a capital A–D is judged by that capital only.
    expect(infiniteBenchChoice("Daggoo", ["Daggoo", "B"])).toBe(0);
  });

  it("Python strip(): a leading U+2003 is stripped, a leading BOM is not", () => {
    expect(infiniteBenchChoice("\u2003B", B)).toBe(1);
    expect(infiniteBenchChoice("\ufeffB", B)).toBe(0);
  });

  it("exact equality with the option text (after strip) → 1", () => {
    expect(infiniteBenchChoice("  the monkey-rope \n", B)).toBe(1);
    expect(infiniteBenchChoice("the monkey-rope!", B)).toBe(0); // no prefix, no A–D token
  });

  it("answer prefixes: text after the prefix (one char skipped) must start with option or letter", () => {
    expect(infiniteBenchChoice("the answer is: B", B)).toBe(1);
    expect(infiniteBenchChoice("my answer is: the monkey-rope", B)).toBe(1);
    expect(infiniteBenchChoice("final answer: B", B)).toBe(1);
    expect(infiniteBenchChoice("so the correct option is B", B)).toBe(1);
    expect(infiniteBenchChoice("the answer is: C", B)).toBe(0);
    // The character right after the prefix is skipped unseen.
    expect(infiniteBenchChoice("my answer:B", B)).toBe(0);
    expect(infiniteBenchChoice("my answer:xB", B)).toBe(1);
  });

  it("punctuation becomes spaces and double spaces collapse before the prefix search", () => {
    expect(infiniteBenchChoice('the answer is "B".', B)).toBe(1);
    expect(infiniteBenchChoice("the answer is\n\n{B}", B)).toBe(1);
  });

  it("a prefix at the very end → 0, without trying later prefixes or the fallback", () => {
    expect(infiniteBenchChoice("so A is it and my answer is:", ["x", "A"])).toBe(0); // fallback would say A
    expect(infiniteBenchChoice("option B, that is my answer is:", B)).toBe(0);
  });

  it("only the first prefix found (in list order, not text order) counts", () => {
    expect(infiniteBenchChoice("the answer is: maybe; the option is B", B)).toBe(0);
    expect(infiniteBenchChoice("the answer is probably wrong, answer: B", B)).toBe(1);
  });

  it("prefixes are case-sensitive; otherwise the fallback applies", () => {
    expect(infiniteBenchChoice("the Answer is B", B)).toBe(1); // via fallback token "B"
    expect(infiniteBenchChoice("the Answer is C", B)).toBe(0);
  });

  it("fallback: the first token that is a substring of 'ABCD' decides", () => {
    expect(infiniteBenchChoice("i pick B here", B)).toBe(1);
    expect(infiniteBenchChoice("i pick C then B", B)).toBe(0);
    expect(infiniteBenchChoice("maybe BC or B", B)).toBe(0); // "BC" qualifies, but is not in the label
    expect(infiniteBenchChoice("maybe AB", ["x", "A"])).toBe(0);
    expect(infiniteBenchChoice("maybe AB", ["AB", "A"])).toBe(1); // equals the option text
    expect(infiniteBenchChoice("no idea", B)).toBe(0);
    expect(infiniteBenchChoice("b", B)).toBe(0); // lower-case letters never count
  });
});

describe("paper set recall", () => {
  it("is |set(gold) ∩ set(pred)| / |set(gold)| over lower-cased whitespace tokens", () => {
    expect(paperRecall("He was from LIMA", "Lima")).toBe(1);
    expect(paperRecall("Tisbury", "Tisbury, in Martha's Vineyard")).toBe(0); // "tisbury," ≠ "tisbury"
    expect(paperRecall("in Martha's Vineyard", "Tisbury, in Martha's Vineyard")).toBeCloseTo(3 / 4);
    expect(paperRecall("the", "the whale the")).toBeCloseTo(1 / 2); // gold is a set
    expect(paperRecall("whale whale whale", "whale")).toBe(1); // no precision term
  });

  it("has no punctuation handling and returns 0 for an empty gold (Python would divide by zero)", () => {
    expect(paperRecall("Lima.", "Lima")).toBe(0);
    expect(paperRecall("anything", "")).toBe(0);
    expect(paperRecall("", "Lima")).toBe(0);
  });
});

describe("paper process_choice", () => {
  const options = ["A sword-mat", "a new oar", "A harpoon line", "a hammock"];

  it("appends the lower-cased option picked by the first letter", () => {
    expect(processChoice("B", options)).toBe("b a new oar");
    expect(processChoice("d.", options)).toBe("d. a hammock");
  });

  it("does not append when the option text is already present", () => {
    expect(processChoice("B. a new oar", options)).toBe("b. a new oar");
  });

  it("keeps the case bug: an option with capitals is never found in the lower-cased prediction", () => {
    expect(processChoice("A. A sword-mat", options)).toBe("a. a sword-mat a sword-mat");
  });

  it("leaves other predictions lower-cased but otherwise unchanged", () => {
    expect(processChoice(" B", options)).toBe(" b"); // first char is a space → "" after strip
    expect(processChoice("The answer is B", options)).toBe("the answer is b");
    expect(processChoice("E", options)).toBe("e");
  });

  it("returns '' for an empty prediction (the paper raised IndexError)", () => {
    expect(processChoice("", options)).toBe("");
  });
});

describe("scoreBookQa", () => {
  it("short answer: F1 over all golds, recall against the first gold", () => {
    const example = { answer: ["the Try Pots", "Try Pots"], options: [] };
    expect(scoreBookQa("longbook_qa_eng", "Try Pots", example)).toEqual({
      infinitebench: 1,
      paper_recall: 2 / 3, // "the" is missing from the prediction
    });
  });

  it("multiple choice: letter extraction and recall after process_choice", () => {
    const example = { answer: ["a hammock", "D"], options: ["A sword-mat", "a new oar", "A harpoon line", "a hammock"] };
    expect(scoreBookQa("longbook_choice_eng", "D", example)).toEqual({ infinitebench: 1, paper_recall: 1 });
    expect(scoreBookQa("longbook_choice_eng", "B", example)).toEqual({ infinitebench: 0, paper_recall: 0.5 });
    expect(scoreBookQa("longbook_choice_eng", "", example)).toEqual({ infinitebench: 0, paper_recall: 0 });
  });

  it("all scores stay in [0, 1]", () => {
    const example = { answer: ["x y"], options: [] };
    for (const pred of ["", "x", "x y x y z", "X, Y!"]) {
      const scores = scoreBookQa("longbook_qa_eng", pred, example);
      for (const value of Object.values(scores)) expect(value).toBeGreaterThanOrEqual(0);
      for (const value of Object.values(scores)) expect(value).toBeLessThanOrEqual(1);
    }
  });
});
