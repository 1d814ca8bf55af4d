// The shapes of a multiple-choice (MMLU-format) dataset: four-option questions by subject, with a
// dev split of few-shot examples per subject (Hendrycks et al. 2021: 5 per subject).

export const CHOICE_LETTERS = ["A", "B", "C", "D"] as const;
export type ChoiceLetter = (typeof CHOICE_LETTERS)[number];

export interface McItem {
  /** Stable within its dataset, e.g. "astronomy-test-0007". */
  id: string;
  /** MMLU's subject id where it is one of MMLU's ("high_school_geography"); any label otherwise. */
  subject: string;
  question: string;
  choices: readonly [string, string, string, string];
  /** Index of the right choice, 0–3. */
  answer: 0 | 1 | 2 | 3;
}

/** A dataset as a suite reads it: the questions asked and, per subject, the few-shot pool. */
export interface LoadedMcDataset {
  id: string;
  name: string;
  /** SHA-256 of the imported file(s), or the built-in set's version: a run pins it. */
  revision: string;
  /** Questions asked, in dataset order. */
  items: readonly McItem[];
  /** Subject → few-shot examples, in order. */
  dev: Readonly<Record<string, readonly McItem[]>>;
  /** "dev": the file's dev split; "first_items": the first 5 questions of each subject, held out from `items`. */
  shots_from: "dev" | "first_items";
}
