import { describe, expect, it } from "vitest";
import { mobyDickChapterText, mobyDickOriginalText } from "../../../../src/probes/bookqa/book";
import { BUILTIN_BOOKQA_ID, loadBuiltinBookQa, originalBuiltinExamples } from "../../../../src/probes/bookqa/builtin";
import { mobyDickSubstitution } from "../../../../src/probes/bookqa/substitute";
import { CHOICE_LETTERS } from "../../../../src/probes/bookqa/types";
import { MOBY_DICK_CHAPTERS } from "../../../../src/probes/bookqa/moby-dick-chapters";

const dataset = await loadBuiltinBookQa();
const original = originalBuiltinExamples();
const originalBook = await mobyDickOriginalText();

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe("the book", () => {
  it("is chapters 1–135 in order followed by the Epilogue", () => {
    expect(MOBY_DICK_CHAPTERS.map((c) => Number(c.chapter))).toEqual(Array.from({ length: 135 }, (_, i) => i + 1));
    expect(originalBook.startsWith("CHAPTER 1. Loomings.\n\nCall me Ishmael.")).toBe(true);
    expect(originalBook).toContain("\n\nCHAPTER 135. The Chase.—Third Day.\n\n");
    expect(originalBook).toContain('Epilogue "AND I ONLY AM ESCAPED ALONE TO TELL THEE" Job.');
    expect(originalBook.trimEnd().endsWith("another orphan.")).toBe(true);
    expect(dataset.book.startsWith("CHAPTER 1. Loomings.\n\nCall me Orwin.")).toBe(true);
  });
});

describe("moby-dick-qa dataset", () => {
  it("has an id, a content version, and is memoised", async () => {
    expect(dataset.id).toBe(BUILTIN_BOOKQA_ID);
    expect(dataset.version).toMatch(/^\d+\+[0-9a-f]{8}$/);
    expect((await loadBuiltinBookQa())).toBe(dataset);
  });

  it("has at least 40 questions: ≥ 20 multiple choice and ≥ 20 short answer, unique ids", () => {
    expect(dataset.examples.length).toBeGreaterThanOrEqual(40);
    const mc = dataset.examples.filter((e) => e.task === "longbook_choice_eng");
    const qa = dataset.examples.filter((e) => e.task === "longbook_qa_eng");
    expect(mc.length).toBeGreaterThanOrEqual(20);
    expect(qa.length).toBeGreaterThanOrEqual(20);
    expect(new Set(dataset.examples.map((e) => e.id)).size).toBe(dataset.examples.length);
  });

  it("multiple choice: 4 distinct options, answer = [optionText, letter] like InfiniteBench", () => {
    const letterUse = new Map<string, number>();
    for (const e of dataset.examples.filter((x) => x.task === "longbook_choice_eng")) {
      expect(e.options).toHaveLength(4);
      expect(new Set(e.options).size).toBe(4);
      expect(e.answer).toHaveLength(2);
      const letter = e.answer[1]!;
      expect(CHOICE_LETTERS as readonly string[]).toContain(letter);
      expect(e.options[CHOICE_LETTERS.indexOf(letter as "A")]).toBe(e.answer[0]);
      letterUse.set(letter, (letterUse.get(letter) ?? 0) + 1);
    }
    for (const letter of CHOICE_LETTERS) expect(letterUse.get(letter) ?? 0, letter).toBeGreaterThanOrEqual(5);
  });

  it("short answer: 1–3 non-empty golds and no options", () => {
    for (const e of dataset.examples.filter((x) => x.task === "longbook_qa_eng")) {
      expect(e.answer.length).toBeGreaterThanOrEqual(1);
      expect(e.answer.length).toBeLessThanOrEqual(3);
      for (const gold of e.answer) expect(gold.trim()).not.toBe("");
      expect(e.options).toEqual([]);
    }
  });

  it("questions and options are single lines without a 'Question:' marker", () => {
    for (const e of dataset.examples) {
      for (const text of [e.input, ...e.options]) {
        expect(text).not.toContain("\n");
        expect(text).not.toContain("Question:");
        expect(text.trim()).toBe(text);
      }
    }
  });

  it("every evidence passage is verbatim (once) in the ORIGINAL book, inside its chapter", async () => {
    for (const e of original) {
      expect(occurrences(originalBook, e.evidence), e.id).toBe(1);
      expect(await mobyDickChapterText(e.chapter), `${e.id} chapter ${e.chapter}`).toContain(e.evidence);
    }
  });

  it("every substituted evidence passage is verbatim in the substituted book", () => {
    for (const e of dataset.examples) expect(occurrences(dataset.book, e.evidence), e.id).toBe(1);
  });

  it("renamed answers follow the substitution (spot check)", () => {
    const byId = new Map(dataset.examples.map((e) => [e.id, e]));
    expect(byId.get("qa-01")!.evidence).toBe("Call me Orwin.");
    expect(byId.get("qa-01")!.answer).toEqual(["Orwin"]);
    expect(byId.get("qa-05")!.answer).toEqual(["Malavanu"]);
    expect(byId.get("mc-08")!.answer).toEqual(["Wanaquet", "D"]);
  });

  it("no original core name survives in the book, questions, answers, options or evidence", () => {
    expect(mobyDickSubstitution.survivingNames(dataset.book)).toEqual([]);
    for (const e of dataset.examples) {
      const texts = [e.input, ...e.answer, ...e.options, e.evidence].join("\n");
      expect(mobyDickSubstitution.survivingNames(texts), e.id).toEqual([]);
    }
    // …and the original questions did use those names (the substitution did the work).
    expect(original.some((e) => mobyDickSubstitution.survivingNames(e.input).length > 0)).toBe(true);
  });

  it("substitutes examples consistently with the book", () => {
    for (const [i, e] of original.entries()) {
      const s = dataset.examples[i]!;
      expect(s.id).toBe(e.id);
      expect(s.input).toBe(mobyDickSubstitution.apply(e.input));
      expect(s.answer).toEqual(e.answer.map((a) => mobyDickSubstitution.apply(a)));
      expect(s.options).toEqual(e.options.map((o) => mobyDickSubstitution.apply(o)));
      expect(s.evidence).toBe(mobyDickSubstitution.apply(e.evidence));
    }
  });

  it("spreads questions over the whole book (early, middle, late)", () => {
    const chapters = dataset.examples.map((e) => e.chapter);
    expect(chapters.filter((c) => c <= 45).length).toBeGreaterThanOrEqual(10);
    expect(chapters.filter((c) => c > 45 && c <= 90).length).toBeGreaterThanOrEqual(10);
    expect(chapters.filter((c) => c > 90).length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...chapters)).toBe(1);
    expect(Math.max(...chapters)).toBe(135);
    expect(chapters).toEqual([...chapters].sort((a, b) => a - b));
  });
});
