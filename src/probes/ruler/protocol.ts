// RULER's protocol, verbatim where it is text (NVIDIA/RULER: scripts/data/synthetic/constants.py for
// templates, answer prefixes and tokens_to_generate; scripts/synthetic.yaml for the 13 task configs;
// niah.py / variable_tracking.py for the needle, noise and chain formats; qa.py for the document
// format). The templates are filled by concatenation, never String.replace, so "$&"-like text in a
// haystack cannot be read as a replacement pattern.

export const RULER_TASKS = [
  "niah_single_1",
  "niah_single_2",
  "niah_single_3",
  "niah_multikey_1",
  "niah_multikey_2",
  "niah_multikey_3",
  "niah_multivalue",
  "niah_multiquery",
  "vt",
  "cwe",
  "fwe",
  "qa_1",
  "qa_2",
] as const;
export type RulerTask = (typeof RULER_TASKS)[number];

/** The 11 tasks generated on the fly (qa_1 / qa_2 need an imported dataset). */
export const SYNTHETIC_TASKS = RULER_TASKS.filter((t) => !t.startsWith("qa_")) as Exclude<RulerTask, "qa_1" | "qa_2">[];
export type SyntheticTask = (typeof SYNTHETIC_TASKS)[number];
export type QaTask = "qa_1" | "qa_2";

export type Family = "niah" | "variable_tracking" | "common_words_extraction" | "freq_words_extraction" | "qa";
export type NeedleType = "numbers" | "words" | "uuids";
export type HaystackType = "noise" | "essay" | "needle";

export interface NiahArgs {
  type_haystack: HaystackType;
  type_needle_k: NeedleType;
  type_needle_v: NeedleType;
  num_needle_k: number;
  num_needle_v: number;
  num_needle_q: number;
}

/** scripts/synthetic.yaml. */
export const NIAH_CONFIGS: Record<Extract<RulerTask, `niah_${string}`>, NiahArgs> = {
  niah_single_1: { type_haystack: "noise", type_needle_k: "words", type_needle_v: "numbers", num_needle_k: 1, num_needle_v: 1, num_needle_q: 1 },
  niah_single_2: { type_haystack: "essay", type_needle_k: "words", type_needle_v: "numbers", num_needle_k: 1, num_needle_v: 1, num_needle_q: 1 },
  niah_single_3: { type_haystack: "essay", type_needle_k: "words", type_needle_v: "uuids", num_needle_k: 1, num_needle_v: 1, num_needle_q: 1 },
  niah_multikey_1: { type_haystack: "essay", type_needle_k: "words", type_needle_v: "numbers", num_needle_k: 4, num_needle_v: 1, num_needle_q: 1 },
  niah_multikey_2: { type_haystack: "needle", type_needle_k: "words", type_needle_v: "numbers", num_needle_k: 1, num_needle_v: 1, num_needle_q: 1 },
  niah_multikey_3: { type_haystack: "needle", type_needle_k: "uuids", type_needle_v: "uuids", num_needle_k: 1, num_needle_v: 1, num_needle_q: 1 },
  niah_multivalue: { type_haystack: "essay", type_needle_k: "words", type_needle_v: "numbers", num_needle_k: 1, num_needle_v: 4, num_needle_q: 1 },
  niah_multiquery: { type_haystack: "essay", type_needle_k: "words", type_needle_v: "numbers", num_needle_k: 1, num_needle_v: 1, num_needle_q: 4 },
};

/** vt: one chain of four hops in the noise haystack. */
export const VT_ARGS = { num_chains: 1, num_hops: 4 } as const;
/** cwe: 10 common words 30 times each, the others 3 times (6 / 1 below 4K), one few-shot example. */
export const CWE_ARGS = { freq_cw: 30, freq_ucw: 3, num_cw: 10, num_fewshot: 1 } as const;
/** fwe: Zipf (zeta) counts with α = 2 over 6-letter coded words. */
export const FWE_ARGS = { alpha: 2.0, coded_wordlen: 6 } as const;

export function familyOf(task: RulerTask): Family {
  if (task.startsWith("niah_")) return "niah";
  if (task === "vt") return "variable_tracking";
  if (task === "cwe") return "common_words_extraction";
  if (task === "fwe") return "freq_words_extraction";
  return "qa";
}

export interface TaskTemplate {
  tokens_to_generate: number;
  /** Text before and after {context}; the tail holds {query} and friends, filled per probe. */
  template: string;
  answer_prefix: string;
}

/** scripts/data/synthetic/constants.py, character for character. */
export const TEMPLATES: Record<Family, TaskTemplate> = {
  niah: {
    tokens_to_generate: 128,
    template:
      "Some special magic {type_needle_v} are hidden within the following text. Make sure to memorize it. I will quiz you about the {type_needle_v} afterwards.\n{context}\nWhat are all the special magic {type_needle_v} for {query} mentioned in the provided text?",
    answer_prefix: " The special magic {type_needle_v} for {query} mentioned in the provided text are",
  },
  variable_tracking: {
    tokens_to_generate: 30,
    template: "Memorize and track the chain(s) of variable assignment hidden in the following text.\n\n{context}\nQuestion: Find all variables that are assigned the value {query} in the text above.",
    answer_prefix: " Answer: According to the chain(s) of variable assignment in the text above, {num_v} variables are assigned the value {query}, they are: ",
  },
  common_words_extraction: {
    tokens_to_generate: 120,
    template:
      "Below is a numbered list of words. In these words, some appear more often than others. Memorize the ones that appear most often.\n{context}\nQuestion: What are the 10 most common words in the above list?",
    answer_prefix: " Answer: The top 10 words that appear most often in the list are:",
  },
  freq_words_extraction: {
    tokens_to_generate: 50,
    template:
      "Read the following coded text and track the frequency of each coded word. Find the three most frequently appeared coded words. {context}\nQuestion: Do not provide any explanation. Please ignore the dots '....'. What are the three most frequently appeared words in the above coded text?",
    answer_prefix: " Answer: According to the coded text above, the three most frequently appeared words are:",
  },
  qa: {
    tokens_to_generate: 32,
    template:
      "Answer the question based on the given documents. Only give me the answer and do not output any other words.\n\nThe following are given documents.\n\n{context}\n\nAnswer the question based on the given documents. Only give me the answer and do not output any other words.\n\nQuestion: {query}",
    answer_prefix: " Answer:",
  },
};

export function tokensToGenerate(task: RulerTask): number {
  return TEMPLATES[familyOf(task)].tokens_to_generate;
}

/** niah.py and variable_tracking.py: the repeated "noise" haystack sentence. */
export const NOISE_SENTENCE = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.";

/** niah.py: the needle, also the distractor of the "needle" haystack. */
export function niahNeedle(typeNeedleV: NeedleType, key: string, value: string): string {
  return "One of the special magic " + typeNeedleV + " for " + key + " is: " + value + ".";
}

/** qa.py. */
export function qaDocument(i: number, document: string): string {
  return "Document " + i + ":\n" + document;
}

/** niah.py: DEPTHS = np.round(np.linspace(0, 100, num=40)).astype(int) (numpy rounds halves to even). */
export const DEPTHS: readonly number[] = Array.from({ length: 40 }, (_, i) => {
  const x = (100 * i) / 39;
  const floor = Math.floor(x);
  const diff = x - floor;
  return diff > 0.5 || (Math.abs(diff - 0.5) < 1e-9 && floor % 2 === 1) ? floor + 1 : floor;
});

/** Fills {name} slots by splitting, so no value is ever read as a pattern. */
export function fill(text: string, values: Record<string, string>): string {
  return text.split(/(\{[a-z_]+\})/).map((part) => (/^\{[a-z_]+\}$/.test(part) && part.slice(1, -1) in values ? values[part.slice(1, -1)]! : part)).join("");
}

/** The head and tail of a template around {context}. */
export function splitTemplate(template: string): { head: string; tail: string } {
  const at = template.indexOf("{context}");
  return { head: template.slice(0, at), tail: template.slice(at + "{context}".length) };
}

/**
 * niah.py's rewrite for one needle and one query ("Some" → "A", "are all" → "is", "are" → "is",
 * "answers" → "answer", and the needle type singular), applied to template + answer prefix as
 * RULER applies it (prepare.py joins them before niah.py sees the template).
 */
export function singularNiah(text: string): string {
  return text.replaceAll("Some", "A").replaceAll("are all", "is").replaceAll("are", "is").replaceAll("answers", "answer");
}
