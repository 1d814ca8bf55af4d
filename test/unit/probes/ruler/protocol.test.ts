import { describe, expect, it } from "vitest";
import { DEPTHS, fill, NIAH_CONFIGS, singularNiah, splitTemplate, SYNTHETIC_TASKS, TEMPLATES, tokensToGenerate } from "../../../../src/probes/ruler/protocol";

describe("RULER's protocol, verbatim", () => {
  it("has niah.py's 40 depths (numpy's rounded linspace)", () => {
    expect(DEPTHS).toEqual([0, 3, 5, 8, 10, 13, 15, 18, 21, 23, 26, 28, 31, 33, 36, 38, 41, 44, 46, 49, 51, 54, 56, 59, 62, 64, 67, 69, 72, 74, 77, 79, 82, 85, 87, 90, 92, 95, 97, 100]);
  });

  it("has constants.py's tokens_to_generate and the 11 synthetic tasks of synthetic.yaml", () => {
    expect(SYNTHETIC_TASKS).toEqual(["niah_single_1", "niah_single_2", "niah_single_3", "niah_multikey_1", "niah_multikey_2", "niah_multikey_3", "niah_multivalue", "niah_multiquery", "vt", "cwe", "fwe"]);
    expect(SYNTHETIC_TASKS.map(tokensToGenerate)).toEqual([128, 128, 128, 128, 128, 128, 128, 128, 30, 120, 50]);
    expect(tokensToGenerate("qa_1")).toBe(32);
    expect(NIAH_CONFIGS.niah_multikey_3).toEqual({ type_haystack: "needle", type_needle_k: "uuids", type_needle_v: "uuids", num_needle_k: 1, num_needle_v: 1, num_needle_q: 1 });
  });

  it("rewrites the niah template for one needle and one query as niah.py does", () => {
    const template = singularNiah(TEMPLATES.niah.template + TEMPLATES.niah.answer_prefix);
    const text = fill(template, { type_needle_v: "number", query: "able-apple", context: "CONTEXT" });
    expect(text).toBe(
      "A special magic number is hidden within the following text. Make sure to memorize it. I will quiz you about the number afterwards.\nCONTEXT\nWhat is the special magic number for able-apple mentioned in the provided text? The special magic number for able-apple mentioned in the provided text is",
    );
  });

  it("fills slots literally, so replacement patterns in values stay text", () => {
    expect(fill("a {query} b", { query: "$& $1" })).toBe("a $& $1 b");
    expect(splitTemplate(TEMPLATES.qa.template).head.endsWith("documents.\n\n")).toBe(true);
  });
});
