import { describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { CHARACTER_NAMES } from "../../../../src/probes/nonliteral/characters";
import { NEEDLE_SET } from "../../../../src/probes/nonliteral/needle-set";
import { NEEDLE_KINDS, type NeedlePair } from "../../../../src/probes/nonliteral/types";
import { auditNeedleSet, MIN_NONLITERAL_RANK, sharedContentWords, validateNeedleSet } from "../../../../src/probes/nonliteral/validate";

const mobyDick = (await loadBuiltinCorpus("moby-dick")).text;
const sotu = (await loadBuiltinCorpus("sotu")).text;
const corpora = [mobyDick, sotu] as const;

const distractors = (topic: string) =>
  ["Halvorsen", "Quennell", "Ibarguen", "Szczepanik"].map((entity) => ({ text: `Professor ${entity}, a minor character in an old play, lectured on ${topic}.`, entity }));
const pair = (over: Partial<NeedlePair>): NeedlePair => ({
  id: "oh-x",
  kind: "one_hop",
  needle: "{CHAR} ate waffles every morning within sight of the Atomium.",
  question: "Which character has been to Belgium?",
  link: "Atomium → Belgium",
  distractors: distractors("Belgium"),
  ...over,
});
const problemsOf = (p: NeedlePair, names: readonly string[] = ["Yusra"]) => validateNeedleSet([p], names, corpora);

describe("the shipped needle set", () => {
  it("passes its validator over both built-in corpora", () => {
    expect(validateNeedleSet(NEEDLE_SET, CHARACTER_NAMES, corpora)).toEqual([]);
  });

  it("has at least 60 pairs, 20 of each kind, four distractors each, and 40 names", () => {
    expect(NEEDLE_SET.length).toBeGreaterThanOrEqual(60);
    for (const kind of NEEDLE_KINDS) expect(NEEDLE_SET.filter((p) => p.kind === kind).length).toBeGreaterThanOrEqual(20);
    expect(NEEDLE_SET.every((p) => p.distractors.length === 4)).toBe(true);
    expect(CHARACTER_NAMES.length).toBeGreaterThanOrEqual(40);
  });

  it("audits literal needles first for BM25 and non-literal ones far down, with no shared words", () => {
    for (const audit of auditNeedleSet(NEEDLE_SET, mobyDick)) {
      if (audit.kind === "literal") {
        expect(audit.bm25_rank, audit.id).toBe(1);
        expect(audit.needle_bm25, audit.id).toBeGreaterThan(audit.best_distractor_bm25);
      } else {
        expect(audit.shared_content_words, audit.id).toEqual([]);
        expect(audit.needle_bm25, audit.id).toBe(0);
        expect(audit.bm25_rank, audit.id).toBeGreaterThan(MIN_NONLITERAL_RANK);
        expect(audit.best_distractor_bm25, audit.id).toBeGreaterThan(0);
      }
    }
  });
});

describe("the validator", () => {
  it("passes a sound pair", () => {
    expect(problemsOf(pair({}))).toEqual([]);
  });

  it("compares stems, so a non-literal question that inflects a needle word is caught", () => {
    expect(sharedContentWords("{CHAR} plays the oboe.", "Which character played music?")).toEqual(["plai"]);
    expect(problemsOf(pair({ question: "Which character ate in Belgium?" }))).toEqual(["oh-x: needle and question share content words: at"]);
  });

  it("catches distractors with the slot, too little overlap, an entity they do not name, or that occurs in a corpus", () => {
    const [first, ...rest] = distractors("Belgium");
    const problems = (d: { text: string; entity: string }) => problemsOf(pair({ distractors: [d, ...rest] }));
    expect(problems({ ...first!, text: "{CHAR} has been to Belgium." }).join()).toMatch(/holds the character slot/);
    expect(problems({ ...first!, text: "Professor Halvorsen likes waffles." }).join()).toMatch(/shares 0 content words/);
    expect(problems({ ...first!, entity: "Lindqvist" }).join()).toMatch(/does not name its entity Lindqvist/);
    expect(problems({ text: "Captain Ahab has been to Belgium.", entity: "Ahab" }).join()).toMatch(/entity Ahab occurs in the corpus/);
    expect(problemsOf(pair({ distractors: rest })).join()).toMatch(/has 3 distractors, not 4/);
  });

  it("wants a literal question to repeat its needle and its needle to be BM25's answer", () => {
    const literal = { kind: "literal" as const, link: "", needle: "{CHAR} has visited Portugal twice.", question: "Which character has visited Portugal?", distractors: distractors("Portugal") };
    expect(problemsOf(pair(literal))).toEqual([]);
    expect(problemsOf(pair({ ...literal, question: "Which character has been to Portugal?" })).join()).toMatch(/must repeat 2\+ content words/);
  });

  it("refuses names that are not one capitalised word, are listed twice, or occur in a corpus", () => {
    expect(problemsOf(pair({}), ["Yusra", "Yusra", "van Dijk", "Ishmael"])).toEqual([
      "characters: a name is listed twice",
      "characters: van Dijk is not one capitalised word",
      "characters: Ishmael occurs in the corpus, so a haystack sentence could name it",
    ]);
  });
});
