import { describe, expect, it } from "vitest";
import { mcFigures } from "../../../../src/probes/mmlu/aggregate";
import { formatQuestion, mmluPrompt, mmluText } from "../../../../src/probes/mmlu/prompt";
import { choiceFromTopLogprobs, scoreMc } from "../../../../src/probes/mmlu/score";
import type { McItem } from "../../../../src/probes/mmlu/types";
import type { SettledProbe } from "../../../../src/probes/suites/suite";

const item = (question: string, answer: McItem["answer"]): McItem => ({ id: question, subject: "high_school_geography", question, choices: ["Nile", "Amazon", "Yangtze", "Danube"], answer });

describe("the MMLU prompt (lm-evaluation-harness's format)", () => {
  it("writes the description, the shots with their answers and the question ending in Answer:", () => {
    const text = mmluText("high_school_geography", [item("Longest river?", 0)], item("  Largest river by discharge? ", 1));
    expect(text).toBe(
      "The following are multiple choice questions (with answers) about high school geography.\n\n" +
        "Longest river?\nA. Nile\nB. Amazon\nC. Yangtze\nD. Danube\nAnswer: A\n\n" +
        "Largest river by discharge?\nA. Nile\nB. Amazon\nC. Yangtze\nD. Danube\nAnswer:",
    );
    expect(formatQuestion(item("Q $& {x}?", 2))).toContain("Q $& {x}?");
  });

  it("sends the same text as one user message to chat endpoints", () => {
    expect(mmluPrompt("chat", "astronomy", [], item("Q?", 0))).toEqual({ api: "chat", messages: [{ role: "user", content: mmluText("astronomy", [], item("Q?", 0)) }] });
    expect(mmluPrompt("completions", "astronomy", [], item("Q?", 0))).toEqual({ api: "completions", prompt: mmluText("astronomy", [], item("Q?", 0)) });
  });
});

describe("scoring a multiple-choice answer", () => {
  it("by log-likelihood takes the letter with the highest top log-probability, with or without its space", () => {
    expect(choiceFromTopLogprobs({ " A": -2, " B": -0.3, "\\n": -0.1, "C": -1 })).toBe(1);
    expect(choiceFromTopLogprobs({ C: -0.5, " C": -0.2 })).toBe(2);
    expect(choiceFromTopLogprobs({ " The": -0.1, " answer": -1 })).toBeNull();
    expect(scoreMc(1, { text: "", topLogprobs: { " B": -0.1, " A": -3 } })).toEqual({ acc: 1, no_letter: 0 });
    expect(scoreMc(1, { text: "", topLogprobs: { " So": -0.1 } })).toEqual({ acc: 0, no_letter: 1 });
  });

  it("by generation reads the letter as InfiniteBench's En.MC extraction does", () => {
    expect(scoreMc(1, { text: "B" })).toEqual({ acc: 1 });
    expect(scoreMc(1, { text: " B. Amazon" })).toEqual({ acc: 1 });
    expect(scoreMc(1, { text: "The answer is B" })).toEqual({ acc: 1 });
    expect(scoreMc(1, { text: "A" })).toEqual({ acc: 0 });
    expect(scoreMc(1, { text: "" })).toEqual({ acc: 0 });
    expect(scoreMc(1, { text: "Amazon" })).toEqual({ acc: 0 }); // "A…" is read as A: InfiniteBench's quirk, kept
  });
});

describe("multiple-choice figures", () => {
  const subjects = ["astronomy", "astronomy", "nutrition", "nutrition", "nutrition", "made_up"];
  const probe = (item: number, acc: number, extra: Record<string, number> = {}): SettledProbe => ({ suiteIndex: 0, status: "scored", contextLength: null, depthPercent: null, item, scores: { acc, ...extra } });

  it("gives micro over questions, macro over subjects, per subject and per MMLU group, and the scoring mode", () => {
    const probes = [probe(0, 1), probe(1, 1), probe(2, 1), probe(3, 0), probe(4, 0), probe(5, 1), { ...probe(5, 1), status: "failed" as const }];
    const figures = mcFigures({ subjects, shots: 5, shots_from: "dev" }, probes);
    expect(figures.scoring).toBe("generate");
    expect(figures.micro).toMatchObject({ acc: 66.67, n: 6 });
    expect(figures.micro!.low).toBeLessThan(66.67);
    expect(figures.macro).toMatchObject({ acc: Math.round(((1 + 1 / 3 + 1) / 3) * 10_000) / 100, subjects: 3, n: 6 });
    expect(figures.by_subject.astronomy).toMatchObject({ acc: 100, n: 2, group: "stem" });
    expect(figures.by_subject.made_up).toMatchObject({ group: null });
    expect(Object.keys(figures.by_group).sort()).toEqual(["other", "stem"]);
    expect(figures.by_group.other).toMatchObject({ acc: 33.33, n: 3 });
    expect(mcFigures({ subjects, shots: 5, shots_from: "dev" }, [probe(0, 1, { no_letter: 0 })]).scoring).toBe("loglikelihood");
    expect(mcFigures({ subjects, shots: 5, shots_from: "dev" }, []).micro).toBeNull();
  });
});
