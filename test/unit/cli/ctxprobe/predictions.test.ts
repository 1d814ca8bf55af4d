// `ctxprobe score` on small generated prediction files; expected values are worked out by hand in
// the comments (InfiniteBench token F1 / letter extraction, the paper's word recall).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../../src/cli/ctxprobe/main";
import { MalformedLineError, scorePredictions } from "../../../../src/cli/ctxprobe/predictions";
import { fakeIo } from "./fake-io";

const dir = mkdtempSync(join(tmpdir(), "ctxprobe-score-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(lines: (object | string)[], eol = "\n"): string {
  const path = join(dir, `preds-${files++}.jsonl`);
  writeFileSync(path, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join(eol) + eol);
  return path;
}

async function score(task: string, path: string) {
  const io = fakeIo();
  const code = await main(["score", "--task", task, path], io);
  return { code, out: io.out(), err: io.err() };
}

describe("ctxprobe score --task longbook_qa_eng", () => {
  // 1. "The Pequod" vs ["Pequod"]: normalized "pequod" = "pequod" → F1 1; recall {pequod} ⊂ {the, pequod} → 1.
  // 2. "a white whale named Moby" vs ["Moby Dick", "the white whale"]: tokens [white, whale, named, moby];
  //    vs "moby dick": 1 shared, P 1/4, R 1/2 → F1 1/3; vs "white whale": 2 shared, P 1/2, R 1 → F1 2/3; max 2/3.
  //    Recall against the first gold only: {moby, dick} ∩ {a, white, whale, named, moby} → 1/2.
  // 3. "" vs "Ahab" (a single string gold): 0 and 0.
  // Means: F1 (1 + 2/3 + 0)/3 = 5/9 → 55.56; recall (1 + 1/2 + 0)/3 = 1/2 → 50.
  const lines = [
    { id: 0, prediction: "The Pequod", ground_truth: ["Pequod"] },
    { id: 1, pred: "a white whale named Moby", label: ["Moby Dick", "the white whale"] },
    "",
    { id: 2, prediction: "", ground_truth: "Ahab" },
  ];

  it("prints one JSON line with both scores on 0–100", async () => {
    const { code, out, err } = await score("longbook_qa_eng", file(lines));
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toBe('{"task":"longbook_qa_eng","n":3,"infinitebench":55.56,"paper_recall":50}\n');
  });

  it("reads CRLF files the same way", async () => {
    expect((await score("longbook_qa_eng", file(lines, "\r\n"))).out).toContain('"n":3,"infinitebench":55.56,"paper_recall":50');
  });
});

describe("ctxprobe score --task longbook_choice_eng", () => {
  it("scores InfiniteBench's released shape ([optionText, letter], no options): paper_recall is null", async () => {
    // Lines from InfiniteBench results/gpt4/preds_longbook_choice_eng.jsonl: first letters A (gold A) ✓,
    // B (gold C) ✗, C (gold D) ✗, A (gold A) ✓ → 2/4.
    const path = file([
      { id: 0, prediction: "A. Walking Georgie", ground_truth: ["Walking Georgie", "A"] },
      { id: 1, prediction: "B. Hall Farm", ground_truth: ["Snowfield", "C"] },
      { id: 2, prediction: "C", ground_truth: ["At the Mauras", "D"] },
      { id: 3, prediction: "A.", ground_truth: ["Methodist", "A"] },
    ]);
    expect((await score("longbook_choice_eng", path)).out).toBe('{"task":"longbook_choice_eng","n":4,"infinitebench":50,"paper_recall":null}\n');
  });

  it("with options: completes bare letters and texts and computes the paper's recall after process_choice", async () => {
    const options = ["Ahab", "Starbuck", "Stubb", "Flask"];
    // 1. "B. Starbuck", gold [Starbuck, B]: first letter B ✓. process_choice appends "starbuck" → recall 1.
    // 2. "The answer is: C", gold "A" (→ [Ahab, A]): prefix "answer is:" then " C" → skip one char → "C"
    //    starts with neither "Ahab" nor "A" ✗. process_choice: first char "t" → unchanged → {ahab} not found → 0.
    // 3. "d", gold "Flask" (→ [Flask, D]): "d" is lower case, never a letter for InfiniteBench ✗. process_choice:
    //    "d" → option D "Flask" appended → "d flask" → recall 1.
    // Means: 1/3 → 33.33; 2/3 → 66.67.
    const path = file([
      { prediction: "B. Starbuck", ground_truth: ["Starbuck", "B"], options },
      { prediction: "The answer is: C", ground_truth: "A", options },
      { prediction: "d", ground_truth: "Flask", options },
    ]);
    expect((await score("longbook_choice_eng", path)).out).toBe('{"task":"longbook_choice_eng","n":3,"infinitebench":33.33,"paper_recall":66.67}\n');
  });

  it("scores a bare letter without options like InfiniteBench's plain-string label; recall stays null", async () => {
    // "B" gold "B" ✓; "Answer: C" gold "D": starts with a capital A, which InfiniteBench reads as the letter A ✗.
    const path = file([
      { prediction: "B", label: "B" },
      { prediction: "Answer: C", label: "D" },
    ]);
    expect((await score("longbook_choice_eng", path)).out).toBe('{"task":"longbook_choice_eng","n":2,"infinitebench":50,"paper_recall":null}\n');
  });

  it("gives null recall when only some lines carry options", async () => {
    const path = file([
      { prediction: "A", ground_truth: ["x", "A"], options: ["x", "y", "z", "w"] },
      { prediction: "A", ground_truth: ["x", "A"] },
    ]);
    expect(JSON.parse((await score("longbook_choice_eng", path)).out)).toMatchObject({ n: 2, infinitebench: 100, paper_recall: null });
  });
});

describe("malformed prediction files", () => {
  const cases: [string, (object | string)[], string][] = [
    ["longbook_qa_eng", [{ prediction: "x", ground_truth: ["x"] }, "{not json"], "line 2: not valid JSON"],
    ["longbook_qa_eng", [[1, 2]], "line 1: not a JSON object"],
    ["longbook_qa_eng", [{ answer: "x", ground_truth: ["x"] }], 'line 1: no "prediction" or "pred" field'],
    ["longbook_qa_eng", [{ prediction: null, ground_truth: ["x"] }], 'line 1: "prediction" must be a string'],
    ["longbook_qa_eng", [{ prediction: "x" }], 'line 1: no "ground_truth" or "label" field'],
    ["longbook_qa_eng", [{ prediction: "x", ground_truth: [] }], 'line 1: "ground_truth" has no answers'],
    ["longbook_qa_eng", [{ prediction: "x", label: [1] }], 'line 1: "label" must be a string or a list of strings'],
    ["longbook_choice_eng", [{ prediction: "A", ground_truth: ["x", "E"] }], 'line 1: "ground_truth" must be [optionText, letter A–D]'],
    ["longbook_choice_eng", [{ prediction: "A", ground_truth: "A", options: ["a", "b", "c"] }], 'line 1: "options" must be a list of 4 strings'],
    ["longbook_choice_eng", [{ prediction: "A", ground_truth: "zebra", options: ["a", "b", "c", "d"] }], 'line 1: "ground_truth" is neither a letter A–D nor one of the options'],
  ];

  it.each(cases)("%s: %j → %s, exit 2", async (task, lines, message) => {
    const path = file(lines);
    const { code, out, err } = await score(task, path);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain(`${path}: ${message}`);
  });

  it("counts blank lines in line numbers", async () => {
    await expect(scorePredictions("longbook_qa_eng", ['{"pred":"a","label":"a"}', "", "  ", "{"])).rejects.toMatchObject({ line: 4 });
    await expect(scorePredictions("longbook_qa_eng", ["{"])).rejects.toBeInstanceOf(MalformedLineError);
  });

  it("refuses an empty file, a missing file and an unknown task", async () => {
    expect(await score("longbook_qa_eng", file([]))).toMatchObject({ code: 2, err: expect.stringContaining("no predictions") });
    expect(await score("longbook_qa_eng", join(dir, "missing.jsonl"))).toMatchObject({ code: 2, err: expect.stringContaining("no such file") });
    expect(await score("kv_retrieval", file([{ prediction: "x", label: "x" }]))).toMatchObject({ code: 2, err: expect.stringContaining("--task must be one of longbook_qa_eng, longbook_choice_eng") });
  });
});
