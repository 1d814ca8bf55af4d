// MMLU's 57 subjects (the config names of the `cais/mmlu` dataset, Hendrycks et al. 2021) and the
// four groups lm-evaluation-harness reports them under. The mapping is the `SUBJECTS` table of
// EleutherAI/lm-evaluation-harness `lm_eval/tasks/mmlu/_generate_configs.py` (the same groups its
// `mmlu_<group>` tags carry); it follows the four top-level categories of hendrycks/test
// `categories.py`, with "social sciences" spelled `social_sciences`. Factual data, no questions.

export const MMLU_GROUPS = ["stem", "humanities", "social_sciences", "other"] as const;
export type MmluGroup = (typeof MMLU_GROUPS)[number];

export const MMLU_SUBJECT_GROUP: Readonly<Record<string, MmluGroup>> = Object.freeze({
  abstract_algebra: "stem",
  anatomy: "stem",
  astronomy: "stem",
  business_ethics: "other",
  clinical_knowledge: "other",
  college_biology: "stem",
  college_chemistry: "stem",
  college_computer_science: "stem",
  college_mathematics: "stem",
  college_medicine: "other",
  college_physics: "stem",
  computer_security: "stem",
  conceptual_physics: "stem",
  econometrics: "social_sciences",
  electrical_engineering: "stem",
  elementary_mathematics: "stem",
  formal_logic: "humanities",
  global_facts: "other",
  high_school_biology: "stem",
  high_school_chemistry: "stem",
  high_school_computer_science: "stem",
  high_school_european_history: "humanities",
  high_school_geography: "social_sciences",
  high_school_government_and_politics: "social_sciences",
  high_school_macroeconomics: "social_sciences",
  high_school_mathematics: "stem",
  high_school_microeconomics: "social_sciences",
  high_school_physics: "stem",
  high_school_psychology: "social_sciences",
  high_school_statistics: "stem",
  high_school_us_history: "humanities",
  high_school_world_history: "humanities",
  human_aging: "other",
  human_sexuality: "social_sciences",
  international_law: "humanities",
  jurisprudence: "humanities",
  logical_fallacies: "humanities",
  machine_learning: "stem",
  management: "other",
  marketing: "other",
  medical_genetics: "other",
  miscellaneous: "other",
  moral_disputes: "humanities",
  moral_scenarios: "humanities",
  nutrition: "other",
  philosophy: "humanities",
  prehistory: "humanities",
  professional_accounting: "other",
  professional_law: "humanities",
  professional_medicine: "other",
  professional_psychology: "social_sciences",
  public_relations: "social_sciences",
  security_studies: "social_sciences",
  sociology: "social_sciences",
  us_foreign_policy: "social_sciences",
  virology: "other",
  world_religions: "humanities",
});

/** The group of one of MMLU's subjects; null for any other label (imported sets may use their own). */
export function groupOf(subject: string): MmluGroup | null {
  // Own-property check: "constructor" or "toString" must not resolve through the prototype.
  return Object.prototype.hasOwnProperty.call(MMLU_SUBJECT_GROUP, subject) ? MMLU_SUBJECT_GROUP[subject]! : null;
}

/** The subject as MMLU's prompt header writes it: "high_school_geography" → "high school geography". */
export function subjectTitle(subject: string): string {
  return subject.split("_").join(" ");
}
