// Shapes of the long-book QA probe. Field names follow InfiniteBench's jsonl (`input`, `answer`,
// `options`) so its En.QA / En.MC files can be mapped onto them one to one.

export const BOOKQA_TASKS = ["longbook_qa_eng", "longbook_choice_eng"] as const;
export type BookQaTask = (typeof BOOKQA_TASKS)[number];

export const CHOICE_LETTERS = ["A", "B", "C", "D"] as const;
export type ChoiceLetter = (typeof CHOICE_LETTERS)[number];

export interface BookQaExample {
  id: string;
  task: BookQaTask;
  /** The question. */
  input: string;
  /** Short answer: 1–3 gold answers. Multiple choice: [optionText, letter], as InfiniteBench's get_answer. */
  answer: string[];
  /** Multiple choice: exactly four option texts (A–D). Short answer: empty. */
  options: string[];
  /** A passage quoted verbatim from the book that supports the answer. */
  evidence: string;
  /** Chapter the evidence comes from (1–135). */
  chapter: number;
}

export interface BookQaDataset {
  id: string;
  version: string;
  book: string;
  examples: BookQaExample[];
}

/** Both reported scores, each in [0, 1]. */
export interface BookQaScores {
  /** InfiniteBench's official metric: token F1 (En.QA) or letter extraction (En.MC). */
  infinitebench: number;
  /** The paper repo's running metric: set-based word recall against the first gold answer. */
  paper_recall: number;
}
