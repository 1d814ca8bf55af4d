import { describe, expect, it } from "vitest";
import { groupOf, MMLU_GROUPS, MMLU_SUBJECT_GROUP, subjectTitle } from "../../../../src/probes/mmlu/groups";
import {
  SMOKE_DEV_ITEMS,
  SMOKE_SET_DESCRIPTION,
  SMOKE_SET_ID,
  SMOKE_SET_VERSION,
  SMOKE_TEST_ITEMS,
  smokeSet,
} from "../../../../src/probes/mmlu/smoke-set";
import { CHOICE_LETTERS, type McItem } from "../../../../src/probes/mmlu/types";

const devItems: McItem[] = Object.values(SMOKE_DEV_ITEMS).flat();
const allItems: McItem[] = [...SMOKE_TEST_ITEMS, ...devItems];
const norm = (text: string) => text.trim().toLowerCase();

describe("MMLU subject groups", () => {
  it("has exactly MMLU's 57 subjects in the four lm-evaluation-harness groups", () => {
    expect(Object.keys(MMLU_SUBJECT_GROUP)).toHaveLength(57);
    expect([...MMLU_GROUPS]).toEqual(["stem", "humanities", "social_sciences", "other"]);
    expect(new Set(Object.values(MMLU_SUBJECT_GROUP))).toEqual(new Set(MMLU_GROUPS));
  });

  it("matches lm-evaluation-harness _generate_configs.py on known subjects", () => {
    expect(groupOf("abstract_algebra")).toBe("stem");
    expect(groupOf("high_school_european_history")).toBe("humanities");
    expect(groupOf("econometrics")).toBe("social_sciences");
    expect(groupOf("clinical_knowledge")).toBe("other");
    // Easy ones to get wrong: human_sexuality is social science, human_aging is other.
    expect(groupOf("human_sexuality")).toBe("social_sciences");
    expect(groupOf("human_aging")).toBe("other");
    expect(groupOf("formal_logic")).toBe("humanities");
  });

  it("counts subjects per group as the harness does (19 / 13 / 12 / 13)", () => {
    const counts = Object.fromEntries(MMLU_GROUPS.map((g) => [g, 0]));
    for (const group of Object.values(MMLU_SUBJECT_GROUP)) counts[group]! += 1;
    expect(counts).toEqual({ stem: 19, humanities: 13, social_sciences: 12, other: 13 });
  });

  it("returns null for labels that are not MMLU subjects, including prototype names", () => {
    expect(groupOf("underwater_basket_weaving")).toBeNull();
    expect(groupOf("constructor")).toBeNull();
    expect(groupOf("toString")).toBeNull();
    expect(groupOf("")).toBeNull();
  });

  it("titles subjects as MMLU's prompt writes them", () => {
    expect(subjectTitle("high_school_geography")).toBe("high school geography");
    expect(subjectTitle("astronomy")).toBe("astronomy");
  });
});

describe("smoke set: size and identity", () => {
  it("has at least 100 test items and exactly 5 dev items per tested subject", () => {
    expect(SMOKE_TEST_ITEMS.length).toBeGreaterThanOrEqual(100);
    const testSubjects = new Set(SMOKE_TEST_ITEMS.map((item) => item.subject));
    expect(new Set(Object.keys(SMOKE_DEV_ITEMS))).toEqual(testSubjects);
    for (const [subject, items] of Object.entries(SMOKE_DEV_ITEMS)) {
      expect(items, subject).toHaveLength(5);
      for (const item of items) expect(item.subject).toBe(subject);
    }
  });

  it("has ids unique across dev and test, in the documented shapes", () => {
    const ids = allItems.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const item of SMOKE_TEST_ITEMS) expect(item.id).toMatch(new RegExp(`^${item.subject}-test-\\d{2}$`));
    for (const item of devItems) expect(item.id).toMatch(new RegExp(`^${item.subject}-dev-[1-5]$`));
  });

  it("uses only MMLU subjects, and its subjects cover all four groups", () => {
    const subjects = new Set(allItems.map((item) => item.subject));
    expect(subjects.size).toBe(8);
    for (const subject of subjects) expect(groupOf(subject), subject).not.toBeNull();
    expect(new Set([...subjects].map(groupOf))).toEqual(new Set(MMLU_GROUPS));
  });

  it("says plainly that it is a smoke test, not MMLU", () => {
    expect(SMOKE_SET_DESCRIPTION).toMatch(/smoke test/i);
    expect(SMOKE_SET_DESCRIPTION).toMatch(/NOT MMLU/);
    const set = smokeSet();
    expect(set).toMatchObject({ id: SMOKE_SET_ID, name: "ctxprobe smoke set (not MMLU)", shots_from: "dev" });
    expect(set.id).toBe("ctxprobe-smoke-mc");
    expect(set.revision).toBe(`smoke-${SMOKE_SET_VERSION}`);
    expect(set.items).toBe(SMOKE_TEST_ITEMS);
    expect(set.dev).toBe(SMOKE_DEV_ITEMS);
  });
});

describe("smoke set: well-formed questions", () => {
  it("gives every item a question, four non-empty distinct choices and an integer answer 0–3", () => {
    for (const item of allItems) {
      expect(item.question.trim(), item.id).not.toBe("");
      expect(item.choices, item.id).toHaveLength(4);
      for (const choice of item.choices) expect(choice.trim(), item.id).not.toBe("");
      expect(new Set(item.choices.map(norm)).size, item.id).toBe(4);
      expect(Number.isInteger(item.answer), item.id).toBe(true);
      expect(item.answer, item.id).toBeGreaterThanOrEqual(0);
      expect(item.answer, item.id).toBeLessThanOrEqual(3);
    }
  });

  it("never repeats a question, within or across the dev and test splits", () => {
    const texts = allItems.map((item) => norm(item.question));
    expect(new Set(texts).size).toBe(texts.length);
    const devTexts = new Set(devItems.map((item) => norm(item.question)));
    expect(SMOKE_TEST_ITEMS.filter((item) => devTexts.has(norm(item.question)))).toEqual([]);
  });

  it("puts the right answer under each letter for 20–30 % of test items", () => {
    const n = SMOKE_TEST_ITEMS.length;
    for (const [index, letter] of CHOICE_LETTERS.entries()) {
      const share = SMOKE_TEST_ITEMS.filter((item) => item.answer === index).length / n;
      expect(share, letter).toBeGreaterThanOrEqual(0.2);
      expect(share, letter).toBeLessThanOrEqual(0.3);
    }
  });
});
