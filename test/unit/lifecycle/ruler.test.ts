import { describe, expect, it } from "vitest";
import { suiteProtocol } from "../../../src/lifecycle/protocol";
import { SYNTHETIC_TASKS } from "../../../src/probes/ruler/protocol";
import type { SuiteRecipe } from "../../../src/probes/suites";
import { RULER_LENGTHS } from "../../../src/probes/suites/ruler";

const recipe = (over: Record<string, unknown> = {}) =>
  ({ type: "ruler", index: 0, tokenizer: "llama2", api: "completions", tasks: [...SYNTHETIC_TASKS], context_lengths: [...RULER_LENGTHS], samples: 25, seed: 0, corpus: "sotu", corpus_version: "v", key_words_version: "k", cwe_words_version: "c", generator_version: "1", ...over }) as unknown as SuiteRecipe;

describe("a RULER suite's protocol", () => {
  it("names RULER's task set and lengths; seed and samples do not change what is measured", () => {
    expect(suiteProtocol(recipe())).toMatchObject({ id: "ruler:synthetic,ruler:sotu:llama2", label: "ruler · 11 tasks, RULER's lengths 4K–128K · sotu · llama2" });
    expect(suiteProtocol(recipe({ seed: 9, samples: 3 })).id).toBe(suiteProtocol(recipe()).id);
  });

  it("tells other task sets, lengths, essays and qa datasets apart", () => {
    const ids = [recipe({ tasks: ["vt", "cwe"] }), recipe({ context_lengths: [4096, 16384] }), recipe({ corpus: "moby-dick" }), recipe({ tasks: [...SYNTHETIC_TASKS, "qa_1", "qa_2"], qa: { qa_1: { dataset: "ds_a" }, qa_2: { dataset: "ds_b" } } })].map((r) => suiteProtocol(r).id);
    expect(new Set([...ids, suiteProtocol(recipe()).id]).size).toBe(5);
    expect(ids[3]).toBe("ruler:all,ruler:sotu,ds_a,ds_b:llama2");
  });
});
