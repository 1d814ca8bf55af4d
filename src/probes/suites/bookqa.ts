// Long-book QA as a suite (InfiniteBench En.QA / En.MC as Fu et al. 2024 ran them): the dataset is
// a set of questions about books, the solver is the paper's template (completions) or InfiniteBench's
// GPT-4 template (chat) middle-truncated to the window, the scorers are InfiniteBench's official
// metric and the paper repo's word recall.
//
// Probe points: `contextLength` is the window (0 in no-context mode), `item` the question's position
// in the recipe's frozen question list; a book question has no depth.
import {
  bookQaMaxTokens,
  CHAT_TEMPLATE_OVERHEAD_TOKENS,
  loadBuiltinBookQa,
  scoreBookQa,
  WindowTooSmallError,
  type BookQaExample,
  type BookQaTask,
} from "../bookqa";
import { loadTokenizer } from "../tokenizers";
import type { Api, TokenizerName } from "../types";
import { checkQuestionFits, fittedBookQaPrompt, noContextPrompt } from "./bookqa-prompt";
import type { ProbePoint, SuiteDefinition } from "./index";
import { SuiteSpecError } from "./spec-error";

export const BOOKQA_METRICS = ["infinitebench", "paper_recall"] as const;
/** The paper's --truncate 128000: 64K head + 64K tail tokens. */
export const DEFAULT_BOOKQA_WINDOW = 128_000;
/** Dry-run estimates count a book's tokens as characters / 4 (English prose in BPE vocabularies). */
const CHARS_PER_TOKEN_ESTIMATE = 4;

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
  description: string | null;
  created_at: number | null;
}

export interface LoadedBookQaDataset {
  info: BookQaDatasetInfo;
  /** The first `limit` questions in dataset order (file order for imports). */
  items: BookQaItem[];
}

export interface BookQaSpec {
  type: "bookqa";
  dataset: string;
  limit?: number;
  window?: number;
  no_context: boolean;
}

export interface BookQaRecipe {
  type: "bookqa";
  index: number;
  dataset: string;
  dataset_revision: string;
  task: BookQaTask;
  tokenizer: TokenizerName;
  api: Api;
  window: number;
  no_context: boolean;
  max_tokens: number;
  /** Frozen at planning: prompts and scores are rebuilt from these, and the book they point to. */
  questions: BookQaItem[];
}

// ---------------------------------------------------------------------------------------------
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
export function builtinBook(ref: string): string | null {
  const dataset = loadBuiltinBookQa();
  return ref === BUILTIN_BOOK_PREFIX + dataset.version ? dataset.book : null;
}

function builtinItem(example: BookQaExample, book: string, bookChars: number): BookQaItem {
  return { id: example.id, input: example.input, answer: example.answer, options: example.options, book, book_chars: bookChars };
}

export function builtinBookQaDataset(id: string, limit = Infinity): LoadedBookQaDataset | null {
  const entry = BUILTIN_BOOKQA_DATASETS.find((d) => d.id === id);
  if (!entry) return null;
  const dataset = loadBuiltinBookQa();
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
      description: entry.description,
      created_at: null,
    },
    items: examples.slice(0, limit).map((e) => builtinItem(e, ref, dataset.book.length)),
  };
}

// ---------------------------------------------------------------------------------------------

function itemOf(recipe: BookQaRecipe, point: ProbePoint): BookQaItem {
  const item = point.item === null ? undefined : recipe.questions[point.item];
  if (!item) throw new Error(`bookqa suite ${recipe.index} has no question ${String(point.item)}`);
  return item;
}

/** The window: default min(128000, context_window − max_tokens), refused when the prompt plus reply cannot fit. */
function resolveWindow(spec: BookQaSpec, contextWindow: number, maxTokens: number): number {
  const room = contextWindow - maxTokens;
  if (spec.window === undefined) return Math.min(DEFAULT_BOOKQA_WINDOW, room);
  if (spec.window > room) {
    throw new SuiteSpecError(
      ["window"],
      `window ${spec.window} plus max_tokens ${maxTokens} exceeds the model's context_window ${contextWindow}; use at most ${room}`,
    );
  }
  return spec.window;
}

export const bookQaSuite: SuiteDefinition<BookQaSpec, BookQaRecipe> = {
  type: "bookqa",
  metrics: BOOKQA_METRICS,

  async resolve(spec, model, index, context) {
    const dataset = await context.loadBookQaDataset(spec.dataset, spec.limit);
    if (!dataset) {
      throw new SuiteSpecError(["dataset"], `unknown dataset "${spec.dataset}"; see GET /v1/datasets for the built-in and imported ones`);
    }
    if (model.tokenizer === "endpoint") {
      throw new SuiteSpecError([], 'tokenizer "endpoint" is supported for needle suites only; give book QA runs a local tokenizer (cl100k_base, llama2, …)');
    }
    const { task } = dataset.info;
    const maxTokens = bookQaMaxTokens(task, model.api);
    const window = resolveWindow(spec, model.contextWindow, maxTokens);
    // Refuse now, not probe by probe, a window too small for a question and its options.
    const tokenizer = await loadTokenizer(model.tokenizer);
    for (const item of dataset.items) {
      try {
        const example = { task, input: item.input, options: item.options };
        if (spec.no_context) noContextPrompt(example, model.api, tokenizer, window);
        else checkQuestionFits(example, model.api, tokenizer, window);
      } catch (error) {
        if (!(error instanceof WindowTooSmallError)) throw error;
        throw new SuiteSpecError(["window"], `question ${item.id}: ${error.message}`);
      }
    }
    return {
      type: "bookqa",
      index,
      dataset: dataset.info.id,
      dataset_revision: dataset.info.revision,
      task,
      tokenizer: model.tokenizer,
      api: model.api,
      window,
      no_context: spec.no_context,
      max_tokens: maxTokens,
      questions: dataset.items,
    };
  },

  // The questions about one book run one after another (books in order of first appearance,
  // questions in dataset order within a book): their prompts open with the same book text, which a
  // server's prefix cache then still holds, and the Worker tokenizes each book once. A dataset need
  // not list a book's questions together. `item` stays the question's position in the dataset.
  plan(recipe) {
    const firstSeen = new Map<string, number>();
    recipe.questions.forEach((question, position) => {
      if (!firstSeen.has(question.book)) firstSeen.set(question.book, position);
    });
    const order = recipe.questions.map((question, position) => ({ book: firstSeen.get(question.book)!, position }));
    order.sort((a, b) => a.book - b.book || a.position - b.position);
    return order.map(({ position }) => ({
      suiteIndex: recipe.index,
      suiteType: "bookqa" as const,
      contextLength: recipe.no_context ? 0 : recipe.window,
      depthPercent: null,
      item: position,
    }));
  },

  async estimatePromptTokens(recipe, points) {
    const tokenizer = await loadTokenizer(recipe.tokenizer);
    let sum = 0;
    for (const point of points) {
      const item = itemOf(recipe, point);
      const question = noContextPrompt({ task: recipe.task, input: item.input, options: item.options }, recipe.api, tokenizer, recipe.window);
      const book = recipe.no_context ? 0 : Math.ceil(item.book_chars / CHARS_PER_TOKEN_ESTIMATE);
      sum += Math.min(recipe.window, question.tokensAfter + book);
    }
    return sum;
  },

  maxTokens(recipe) {
    return recipe.max_tokens;
  },

  async build(recipe, point, context) {
    const item = itemOf(recipe, point);
    const example = { task: recipe.task, input: item.input, options: item.options };
    const tokenizer = await loadTokenizer(recipe.tokenizer);
    let fitted;
    let bookTokens = 0;
    if (recipe.no_context) {
      fitted = noContextPrompt(example, recipe.api, tokenizer, recipe.window);
    } else {
      const text = await context.loadBook(item.book);
      if (text === null) throw new Error(`book ${item.book} of dataset ${recipe.dataset} is no longer available`);
      fitted = fittedBookQaPrompt(example, recipe.api, { key: item.book, text }, tokenizer, recipe.window);
      const withoutBook = noContextPrompt(example, recipe.api, tokenizer, Number.MAX_SAFE_INTEGER).tokensAfter;
      bookTokens = Math.max(0, fitted.tokensAfter - withoutBook);
    }
    // Chat counts include CHAT_TEMPLATE_OVERHEAD_TOKENS of framing; like the needle suite, the
    // expected prompt tokens are the message contents (the mismatch check allows for framing).
    const framing = recipe.api === "chat" ? CHAT_TEMPLATE_OVERHEAD_TOKENS : 0;
    return {
      prompt: fitted.prompt,
      constructedTokens: bookTokens,
      expectedPromptTokens: fitted.tokensAfter - framing,
      maxTokens: recipe.max_tokens,
    };
  },

  score(recipe, point, response) {
    const item = itemOf(recipe, point);
    return { ...scoreBookQa(recipe.task, response, item) };
  },
};

