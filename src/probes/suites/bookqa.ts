// Long-book QA as a suite (InfiniteBench En.QA / En.MC as Fu et al. 2024 ran them): the dataset is
// a set of questions about books, the solver is the paper's template (completions) or InfiniteBench's
// GPT-4 template (chat) middle-truncated to the window, the scorers are InfiniteBench's official
// metric and the paper repo's word recall.
//
// Probe points: `contextLength` is the window (0 in no-context mode), `item` the question's position
// in the recipe's frozen question list; a book question has no depth.
import { z } from "zod";
import { bookQaMaxTokens, CHAT_TEMPLATE_OVERHEAD_TOKENS, scoreBookQa, WindowTooSmallError, type BookQaTask } from "../bookqa";
import { loadTokenizer } from "../tokenizers";
import type { Api, TokenizerName } from "../types";
import type { BookQaItem } from "./bookqa-datasets";
import { checkQuestionFits, fittedBookQaPrompt, noContextPrompt } from "./bookqa-prompt";
import { SuiteSpecError } from "./spec-error";
import type { ModelTraits, ProbePoint, SuiteDefinition } from "./suite";

export const BOOKQA_METRICS = ["infinitebench", "paper_recall"] as const;
/** The paper's --truncate 128000: 64K head + 64K tail tokens. */
export const DEFAULT_BOOKQA_WINDOW = 128_000;
/** Dry-run estimates count a book's tokens as characters / 4 (English prose in BPE vocabularies). */
const CHARS_PER_TOKEN_ESTIMATE = 4;

export const BookQaSpec = z
  .strictObject({
    type: z.literal("bookqa"),
    dataset: z.string().min(1).max(100).default("moby-dick-qa").meta({
      description: "Dataset id from GET /v1/datasets: moby-dick-qa (built-in short answer, default), moby-dick-mc (built-in multiple choice) or an imported InfiniteBench file.",
    }),
    limit: z.int().min(1).max(5000).optional().meta({
      description: "Ask only the first `limit` questions in dataset order (file order for imports); default all.",
      example: 50,
    }),
    window: z.int().min(256).max(4_194_304).optional().meta({
      description:
        "Prompt budget in the model's tokens; the book is cut in the middle to fit (the paper: 128000 = 64K head + 64K tail). " +
        "Default min(128000, context_window − max_tokens), max_tokens being the model's max_output_tokens where set; refused if window + max_tokens exceeds context_window.",
      example: 128000,
    }),
    no_context: z.boolean().default(false).meta({
      description: "Ask the questions without the book: scores above chance measure memorization or guessing.",
    }),
  })
  .meta({ id: "BookQaSuiteSpec" });
export type BookQaSpec = z.infer<typeof BookQaSpec>;

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

function itemOf(recipe: BookQaRecipe, point: ProbePoint): BookQaItem {
  const item = point.item === null ? undefined : recipe.questions[point.item];
  if (!item) throw new Error(`bookqa suite ${recipe.index} has no question ${String(point.item)}`);
  return item;
}

/**
 * The window: default min(128000, context_window − max_tokens), refused when the prompt plus reply
 * cannot fit. The reply's budget is the model's max_output_tokens where it sets one.
 */
function resolveWindow(spec: BookQaSpec, model: ModelTraits, maxTokens: number): number {
  const room = model.contextWindow - maxTokens;
  const budget = model.maxOutputTokens === undefined ? `max_tokens ${maxTokens}` : `max_output_tokens ${maxTokens}`;
  // Only the model's own budget can leave too little room (the suites' are a few hundred tokens).
  if (room < 256) throw new SuiteSpecError([], `the model's ${budget} leaves ${Math.max(0, room)} of its context_window ${model.contextWindow} tokens for a book QA prompt (256 at least): lower max_output_tokens`);
  if (spec.window === undefined) return Math.min(DEFAULT_BOOKQA_WINDOW, room);
  if (spec.window > room) {
    throw new SuiteSpecError(["window"], `window ${spec.window} plus ${budget} exceeds the model's context_window ${model.contextWindow}; use at most ${room}`);
  }
  return spec.window;
}

export const bookQaSuite: SuiteDefinition<BookQaSpec, BookQaRecipe> = {
  type: "bookqa",
  spec: BookQaSpec,
  metrics: BOOKQA_METRICS,

  async resolve(spec, model, index, context) {
    const dataset = await context.loadBookQaDataset(spec.dataset, spec.limit);
    if (!dataset) {
      throw new SuiteSpecError(["dataset"], `unknown dataset "${spec.dataset}"; see GET /v1/datasets for the built-in and imported ones`);
    }
    if (model.tokenizer === "endpoint") {
      throw new SuiteSpecError([], 'tokenizer "endpoint" is supported for needle and RULER suites only; give book QA runs a local tokenizer (cl100k_base, llama2, …)');
    }
    const { task } = dataset.info;
    const maxTokens = model.maxOutputTokens ?? bookQaMaxTokens(task, model.api);
    const window = resolveWindow(spec, model, maxTokens);
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

  aggregate(recipe) {
    return {
      dataset: recipe.dataset,
      dataset_revision: recipe.dataset_revision,
      task: recipe.task,
      window: recipe.window,
      no_context: recipe.no_context,
      question_ids: recipe.questions.map((q) => q.id),
    };
  },

  storedData(recipe) {
    return { datasets: [recipe.dataset] };
  },
};

