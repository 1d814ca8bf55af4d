// The InfiniteBench line parser of dataset imports.
import { describe, expect, it } from "vitest";
import { parseInfiniteBenchLine } from "../../../../src/probes/suites/infinitebench";

describe("parseInfiniteBenchLine", () => {
  const qa = { id: 0, context: "The book.", input: "Who?", answer: ["Ahab"], options: [] };
  const mc = { id: 1, context: "The book.", input: "Who?", answer: ["Ahab"], options: ["Stubb", "Ahab", "Flask", "Pip"] };
  const parse = (value: unknown, task: "longbook_qa_eng" | "longbook_choice_eng") => parseInfiniteBenchLine(JSON.stringify(value), task);

  it("accepts InfiniteBench short-answer lines; ids become text; a lone answer string is a list of one", () => {
    expect(parse(qa, "longbook_qa_eng")).toEqual({ ok: true, question: { id: "0", context: "The book.", input: "Who?", answer: ["Ahab"], options: [] } });
    expect(parse({ ...qa, id: "q-7", answer: "Ahab", options: undefined }, "longbook_qa_eng")).toMatchObject({ ok: true, question: { id: "q-7", answer: ["Ahab"] } });
  });

  it("normalises multiple-choice answers to [text, letter] (get_answer): text, [text] or [text, letter]", () => {
    expect(parse(mc, "longbook_choice_eng")).toMatchObject({ ok: true, question: { answer: ["Ahab", "B"], options: mc.options } });
    expect(parse({ ...mc, answer: "Pip" }, "longbook_choice_eng")).toMatchObject({ ok: true, question: { answer: ["Pip", "D"] } });
    expect(parse({ ...mc, answer: ["Stubb", "A"] }, "longbook_choice_eng")).toMatchObject({ ok: true, question: { answer: ["Stubb", "A"] } });
  });

  it.each([
    ["{oops", "longbook_qa_eng", "not valid JSON"],
    ["[1]", "longbook_qa_eng", "must be a JSON object"],
    [JSON.stringify({ ...qa, id: 1.5 }), "longbook_qa_eng", "id: must be an integer"],
    [JSON.stringify({ ...qa, context: "" }), "longbook_qa_eng", "context: must be a non-empty string"],
    [JSON.stringify({ ...qa, input: 3 }), "longbook_qa_eng", "input: must be a non-empty string"],
    [JSON.stringify({ ...qa, answer: [] }), "longbook_qa_eng", "answer: must be a string or a non-empty array"],
    [JSON.stringify({ ...qa, answer: ["ok", ""] }), "longbook_qa_eng", "answer/1: must be a non-empty string"],
    [JSON.stringify({ ...qa, options: ["a", "b", "c", "d"] }), "longbook_qa_eng", "is this a longbook_choice_eng file?"],
    [JSON.stringify({ ...mc, options: ["a", "b", "c"] }), "longbook_choice_eng", "exactly 4"],
    [JSON.stringify({ ...mc, answer: ["Queequeg"] }), "longbook_choice_eng", "one of the four options"],
    [JSON.stringify({ ...mc, answer: ["Ahab", "E"] }), "longbook_choice_eng", 'answer/1: must be one of "A"'],
    [JSON.stringify({ ...mc, answer: ["Ahab", "C"] }), "longbook_choice_eng", 'option C is not "Ahab"'],
    [JSON.stringify({ ...mc, answer: ["Ahab", "B", "x"] }), "longbook_choice_eng", "answer: must be"],
  ] as const)("refuses %s (%s)", (line, task, detail) => {
    const verdict = parseInfiniteBenchLine(line, task);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.detail).toContain(detail);
  });
});
