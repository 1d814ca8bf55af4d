// The catalog: haystack corpora (built-in and uploaded) and datasets (built-in and imported): book
// QA sets (InfiniteBench's tasks) and multiple-choice sets (`mmlu`: MMLU-format four-option questions).
import { z } from "zod";
import { BOOKQA_TASKS } from "../probes/bookqa";

/** The multiple-choice dataset task: MMLU's format, whatever the questions (MMLU, ARC, HellaSwag as choices…). */
export const MC_TASK = "mmlu";
/** RULER's qa_1 / qa_2 sources: a SQuAD file and a HotpotQA file, as RULER reads them (one JSON document each). */
export const RULER_QA_TASKS = ["ruler_squad", "ruler_hotpotqa"] as const;
export type RulerQaTask = (typeof RULER_QA_TASKS)[number];
export const DATASET_TASKS = [...BOOKQA_TASKS, MC_TASK, ...RULER_QA_TASKS] as const;
export type DatasetTask = (typeof DATASET_TASKS)[number];

export const CorpusUpload = z
  .strictObject({
    name: z.string().trim().min(1).max(100).meta({ example: "paul-graham-essays" }),
    files: z
      .array(z.strictObject({ name: z.string().min(1).max(255), text: z.string().min(1) }))
      .min(1)
      .max(10_000)
      .meta({ description: "UTF-8 text files; they are joined in file-name order with a blank line between them." }),
    public: z.boolean().default(false).meta({ description: "Visible to every account; by default only the uploading account (and the admin) sees and uses it." }),
  })
  .superRefine((upload, ctx) => {
    const seen = new Map<string, number>();
    upload.files.forEach((file, i) => {
      if (seen.has(file.name)) ctx.addIssue({ code: "custom", path: ["files", i, "name"], message: `duplicate file name (also files[${seen.get(file.name)}])` });
      seen.set(file.name, i);
    });
  })
  .meta({ id: "CorpusUpload" });

export const CorpusInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    builtin: z.boolean(),
    version: z.string(),
    files: z.int().nullable(),
    characters: z.int(),
    public: z.boolean().meta({ description: "Visible to every account; a private upload only to its account and the admin. Built-ins are public." }),
    description: z.string().nullable(),
    created_at: z.string().nullable(),
  })
  .meta({ id: "Corpus" });

export const DatasetInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    task: z.enum(DATASET_TASKS).meta({ description: "longbook_qa_eng / longbook_choice_eng: book QA (the bookqa suite); mmlu: four-option multiple choice (the mmlu suite); ruler_squad / ruler_hotpotqa: RULER's qa_1 / qa_2 (the ruler suite)." }),
    questions: z.int().meta({ description: "Questions asked; for mmlu the few-shot pool is not counted." }),
    books: z.int().meta({ description: "Distinct books (contexts) the questions are about; 0 for mmlu." }),
    subjects: z.int().optional().meta({ description: "mmlu only: distinct subjects." }),
    shots_from: z.enum(["dev", "first_items"]).optional().meta({
      description: "mmlu only: where few-shot examples come from. dev: every subject's dev rows; first_items: some subject had no dev rows, so its first 5 questions are its examples (not asked).",
    }),
    builtin: z.boolean(),
    revision: z.string().meta({ description: "SHA-256 of the imported file (two versions of En.QA are in circulation); the built-in set's content version. Runs pin it." }),
    bytes: z.int().nullable().meta({ description: "Size of the imported file." }),
    public: z.boolean().meta({ description: "Visible to every account; a private import only to its account and the admin. Built-ins are public." }),
    description: z.string().nullable(),
    created_at: z.string().nullable(),
  })
  .meta({ id: "Dataset" });

export type CorpusUpload = z.infer<typeof CorpusUpload>;
export type CorpusInfo = z.infer<typeof CorpusInfo>;
export type DatasetInfo = z.infer<typeof DatasetInfo>;
