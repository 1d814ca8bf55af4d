// Book QA datasets as the suite sees them: a question as stored (what its prompt and scorers need,
// and which book it is about), a dataset's description, and the built-in set. Imported datasets are
// loaded by the service (src/catalog) into the same shapes.
import { loadBuiltinBookQa, type BookQaExample, type BookQaTask } from "../bookqa";

/** A question as stored: what its prompt and scorers need, and which book it is about. */
export interface BookQaItem {
  id: string;
  input: string;
  /** Short answer: gold answers. Multiple choice: [optionText, letter]. */
  answer: string[];
  options: string[];
  /** Reference of the book text (an R2 key, or a pinned built-in reference); identifies the text. */
  book: string;
  book_chars: number;
}

export interface BookQaDatasetInfo {
  id: string;
  name: string;
  task: BookQaTask;
  /** SHA-256 of the imported file; for the built-in set, its content version. */
  revision: string;
  builtin: boolean;
  questions: number;
  books: number;
  /** Size of the imported file; null for built-in sets. */
  bytes: number | null;
  /** Visible to every account (built-in sets always are). */
  public: boolean;
  description: string | null;
  created_at: number | null;
}

export interface LoadedBookQaDataset {
  info: BookQaDatasetInfo;
  /** The first `limit` questions in dataset order (file order for imports). */
  items: BookQaItem[];
}

// The built-in set (src/probes/bookqa/builtin.ts) holds both tasks; it is exposed as one dataset per
// task, as InfiniteBench ships one file per task, so each run aggregate averages one metric kind.

export const BUILTIN_BOOKQA_DATASETS = [
  {
    id: "moby-dick-qa",
    task: "longbook_qa_eng",
    description: "Built-in short-answer questions over Moby-Dick with its core entity names substituted (anti-memorization).",
  },
  {
    id: "moby-dick-mc",
    task: "longbook_choice_eng",
    description: "Built-in 4-option multiple-choice questions over Moby-Dick with its core entity names substituted (anti-memorization).",
  },
] as const satisfies readonly { id: string; task: BookQaTask; description: string }[];

const BUILTIN_BOOK_PREFIX = "builtin:moby-dick@";

export function isBuiltinBookQaDatasetId(id: string): boolean {
  return BUILTIN_BOOKQA_DATASETS.some((d) => d.id === id);
}

/** The built-in book; its reference pins the dataset version, so an old recipe cannot get new text. */
export async function builtinBook(ref: string): Promise<string | null> {
  const dataset = await loadBuiltinBookQa();
  return ref === BUILTIN_BOOK_PREFIX + dataset.version ? dataset.book : null;
}

function builtinItem(example: BookQaExample, book: string, bookChars: number): BookQaItem {
  return { id: example.id, input: example.input, answer: example.answer, options: example.options, book, book_chars: bookChars };
}

export async function builtinBookQaDataset(id: string, limit = Infinity): Promise<LoadedBookQaDataset | null> {
  const entry = BUILTIN_BOOKQA_DATASETS.find((d) => d.id === id);
  if (!entry) return null;
  const dataset = await loadBuiltinBookQa();
  const examples = dataset.examples.filter((e) => e.task === entry.task);
  const ref = BUILTIN_BOOK_PREFIX + dataset.version;
  return {
    info: {
      id: entry.id,
      name: entry.id,
      task: entry.task,
      revision: dataset.version,
      builtin: true,
      questions: examples.length,
      books: 1,
      bytes: null,
      public: true,
      description: entry.description,
      created_at: null,
    },
    items: examples.slice(0, limit).map((e) => builtinItem(e, ref, dataset.book.length)),
  };
}

