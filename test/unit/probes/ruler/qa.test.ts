import { beforeAll, describe, expect, it } from "vitest";
import { budgetOf, buildQaProbe } from "../../../../src/probes/ruler/probe";
import { QaCollector } from "../../../../src/probes/ruler/qa-data";
import { scoreRuler } from "../../../../src/probes/ruler/score";
import { loadTokenizer } from "../../../../src/probes/tokenizers";
import { hotpotFixture, squadFixture } from "../../../ruler-qa-fixture";

function collect(format: "squad" | "hotpotqa", json: string) {
  const collector = new QaCollector(format);
  const parsed = JSON.parse(json);
  for (const item of format === "squad" ? parsed.data : parsed) expect(collector.take(item)).toEqual({ ok: true });
  return collector.finish();
}

beforeAll(async () => {
  await loadTokenizer("cl100k_base");
  await loadTokenizer("llama2");
});

describe("RULER's QA data, read as qa.py reads it", () => {
  it("SQuAD: answerable questions only, each with its paragraph and its article's others; documents sorted", () => {
    const { json } = squadFixture(3, 4);
    const dataset = collect("squad", json);
    expect(dataset.docs).toHaveLength(12);
    expect([...dataset.docs].sort()).toEqual(dataset.docs);
    expect(dataset.qas).toHaveLength(12);
    const first = dataset.qas[0]!;
    expect(dataset.docs[first.context[0]!]).toContain(first.outputs[0]);
    expect(first.more).toHaveLength(3);
    expect(first.more).not.toContain(first.context[0]);
  });

  it("HotpotQA: each item's ten titled paragraphs; a malformed item is named", () => {
    const dataset = collect("hotpotqa", hotpotFixture(5).json);
    expect(dataset.qas[0]!.context).toHaveLength(10);
    expect(dataset.docs.every((d) => d.includes("\n"))).toBe(true);
    expect(new QaCollector("hotpotqa").take({ question: "q?", answer: "a", context: "nope" })).toMatchObject({ ok: false });
    expect(new QaCollector("squad").take({ title: "x" })).toMatchObject({ ok: false });
  });
});

describe("qa prompts", () => {
  for (const [format, fixture] of [["squad", squadFixture(30, 5)], ["hotpotqa", hotpotFixture(60)]] as const) {
    it(`${format}: fill the budget to within 1 % with whole numbered documents, the answer's among them`, async () => {
      const dataset = collect(format, fixture.json);
      const task = format === "squad" ? ("qa_1" as const) : ("qa_2" as const);
      for (const [tokenizer, contextLength, sample] of [["cl100k_base", 4096, 2], ["llama2", 4096, 2], ["cl100k_base", 8192, 5], ["llama2", 8192, 7]] as const) {
        const cell = { task, contextLength, sample };
        const probe = buildQaProbe({ seed: 1, tokenizer, api: "completions" }, cell, dataset);
        const text = probe.prompt.api === "completions" ? probe.prompt.prompt : "";
        const budget = budgetOf(cell);
        expect((await loadTokenizer(tokenizer)).encode(text).length).toBe(probe.tokens);
        expect(probe.tokens).toBeLessThanOrEqual(budget);
        expect(probe.tokens).toBeGreaterThanOrEqual(Math.ceil(0.99 * budget));
        const documents = text.match(/Document \d+:\n/g)!.length;
        expect(probe.facts.haystack_size).toBe(documents);
        expect(dataset.docs.filter((doc) => text.includes(doc)).length).toBeGreaterThanOrEqual(documents); // whole documents only
        expect(text).toMatch(/^Answer the question based on the given documents\./);
        expect(text).toContain("Document 1:\n");
        expect(text.endsWith(`Question: ${dataset.qas[sample]!.query} Answer:`)).toBe(true);
        expect(text).toContain(probe.facts.answers[0]!);
        expect(scoreRuler(task, `It is ${fixture.answers.get(dataset.qas[sample]!.query)}.`, probe.facts.answers).ruler).toBe(1);
        const again = buildQaProbe({ seed: 1, tokenizer, api: "completions" }, cell, dataset);
        expect(again.prompt).toEqual(probe.prompt);
        expect(buildQaProbe({ seed: 2, tokenizer, api: "completions" }, cell, dataset).prompt).not.toEqual(probe.prompt);
      }
    }, 60_000);
  }
});
