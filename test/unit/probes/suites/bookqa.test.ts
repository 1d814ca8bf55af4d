// The bookqa suite on its own (no Worker): resolving specs, deterministic planning, prompts and scores.
import { describe, expect, it } from "vitest";
import { buildTruncatedBookQaPrompt, loadBuiltinBookQa, scoreBookQa } from "../../../../src/probes/bookqa";
import {
  bookQaSuite,
  type BookQaRecipe,
  type BookQaSpec,
} from "../../../../src/probes/suites/bookqa";
import { BUILTIN_BOOKQA_DATASETS, builtinBook, builtinBookQaDataset, type BookQaItem, type LoadedBookQaDataset } from "../../../../src/probes/suites/bookqa-datasets";
import { SuiteSpecError, SUITES, type ModelTraits, type SuiteContext } from "../../../../src/probes/suites";
import { loadTokenizer } from "../../../../src/probes/tokenizers";

const IMPORTED_BOOK = `THE LIGHT\n\nThe keeper was Marta Velde. ${"Waves broke on the rocks all night. ".repeat(30)}The cat was called Pilot.\n`;
const imported: LoadedBookQaDataset = {
  info: { id: "ds_test", name: "test", task: "longbook_qa_eng", revision: "f".repeat(64), builtin: false, questions: 3, books: 1, bytes: 1, public: false, description: null, created_at: 0 },
  items: ["Who kept the light?", "What was the cat called?", "What broke on the rocks?"].map((input, i) => ({
    id: String(i),
    input,
    answer: [["Marta Velde"], ["Pilot"], ["Waves"]][i]!,
    options: [],
    book: "books/abc.txt",
    book_chars: IMPORTED_BOOK.length,
  })),
};

const context: SuiteContext = {
  loadCorpus: async () => null,
  loadMcDataset: async () => null,
  async loadBookQaDataset(id, limit) {
    if (id === imported.info.id) return { info: imported.info, items: imported.items.slice(0, limit) };
    return builtinBookQaDataset(id, limit);
  },
  loadBook: async (ref) => (ref === "books/abc.txt" ? IMPORTED_BOOK : builtinBook(ref)),
};

const MODEL: ModelTraits = { api: "completions", tokenizer: "cl100k_base", contextWindow: 131072 };
const spec = (overrides: Partial<BookQaSpec> = {}): BookQaSpec => ({ type: "bookqa", dataset: "ds_test", no_context: false, ...overrides });

async function refusal(promise: Promise<unknown>): Promise<SuiteSpecError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SuiteSpecError);
  return error as SuiteSpecError;
}

describe("built-in datasets", () => {
  it("split the built-in set by task, in its own (book) order, pinned to its version", async () => {
    const all = await loadBuiltinBookQa();
    const [qa, mc] = await Promise.all(BUILTIN_BOOKQA_DATASETS.map(async (d) => (await builtinBookQaDataset(d.id))!));
    expect(qa!.info).toMatchObject({ id: "moby-dick-qa", task: "longbook_qa_eng", questions: 29, revision: all.version, builtin: true });
    expect(mc!.info).toMatchObject({ id: "moby-dick-mc", task: "longbook_choice_eng", questions: 29 });
    expect(qa!.items.map((i) => i.id)).toEqual(all.examples.filter((e) => e.task === "longbook_qa_eng").map((e) => e.id));
    expect(mc!.items.every((i) => i.options.length === 4 && /^[ABCD]$/.test(i.answer[1]!))).toBe(true);
    expect((await builtinBook(qa!.items[0]!.book))).toBe(all.book);
    expect((await builtinBook("builtin:moby-dick@0+00000000"))).toBeNull();
    expect((await builtinBookQaDataset("nope"))).toBeNull();
  });
});

describe("bookqa suite", () => {
  it("resolves: first `limit` questions, default window min(128000, context_window − max_tokens)", async () => {
    const recipe = await bookQaSuite.resolve(spec({ limit: 2 }), MODEL, 3, context);
    expect(recipe).toMatchObject({ type: "bookqa", index: 3, dataset: "ds_test", dataset_revision: "f".repeat(64), task: "longbook_qa_eng", window: 128000, max_tokens: 40, no_context: false });
    expect(recipe.questions.map((q) => q.id)).toEqual(["0", "1"]);
    const small = await bookQaSuite.resolve(spec(), { ...MODEL, api: "chat", contextWindow: 32768 }, 0, context);
    expect(small.window).toBe(32768 - 100); // chat short answers reserve max_tokens 100
  });

  it("refuses a window that leaves no room for the answer, and an unknown dataset", async () => {
    const tooBig = await refusal(bookQaSuite.resolve(spec({ window: 131072 - 39 }), MODEL, 0, context));
    expect(tooBig.path).toEqual(["window"]);
    expect(tooBig.message).toContain("use at most 131032");
    await expect(bookQaSuite.resolve(spec({ window: 131032 }), MODEL, 0, context)).resolves.toMatchObject({ window: 131032 });
    expect((await refusal(bookQaSuite.resolve(spec({ dataset: "nope" }), MODEL, 0, context))).path).toEqual(["dataset"]);
  });

  it("leaves room for the model's max_output_tokens: the default window shrinks, a window that no longer fits is refused naming it", async () => {
    const thinking = { ...MODEL, maxOutputTokens: 8192 };
    expect(await bookQaSuite.resolve(spec(), thinking, 0, context)).toMatchObject({ window: 131072 - 8192, max_tokens: 8192 });
    const tooBig = await refusal(bookQaSuite.resolve(spec({ window: 128000 }), thinking, 0, context));
    expect(tooBig.path).toEqual(["window"]);
    expect(tooBig.message).toBe("window 128000 plus max_output_tokens 8192 exceeds the model's context_window 131072; use at most 122880");
    const noRoom = await refusal(bookQaSuite.resolve(spec(), { ...MODEL, contextWindow: 8192, maxOutputTokens: 8000 }, 0, context));
    expect(noRoom.message).toContain("max_output_tokens 8000 leaves 192 of its context_window 8192 tokens");
    // Each built probe asks for that budget.
    const recipe = await bookQaSuite.resolve(spec({ limit: 1 }), thinking, 0, context);
    expect((await bookQaSuite.build(recipe, bookQaSuite.plan(recipe)[0]!, context)).maxTokens).toBe(8192);
  });

  it("plans one probe per question in dataset order: context_length = window, depth_percent = position", async () => {
    const recipe = await bookQaSuite.resolve(spec(), MODEL, 1, context);
    expect(bookQaSuite.plan(recipe)).toEqual([0, 1, 2].map((i) => ({ suiteIndex: 1, suiteType: "bookqa", contextLength: 128000, depthPercent: null, item: i })));
    const blind = await bookQaSuite.resolve(spec({ no_context: true }), MODEL, 1, context);
    expect(bookQaSuite.plan(blind).map((p) => p.contextLength)).toEqual([0, 0, 0]);
  });

  it("runs each book's questions one after another, books in order of first appearance", async () => {
    const recipe = await bookQaSuite.resolve(spec(), MODEL, 0, context);
    const [q] = recipe.questions;
    const books = ["book-b", "book-a", "book-b", "book-c", "book-a", "book-b"];
    const mixed = { ...recipe, questions: books.map((book, i) => ({ ...q!, id: `q${i}`, book })) };
    expect(bookQaSuite.plan(mixed).map((p) => p.item)).toEqual([0, 2, 5, 1, 4, 3]);
  });

  it("builds the same prompt as buildTruncatedBookQaPrompt and scores with scoreBookQa", async () => {
    const recipe = await bookQaSuite.resolve(spec({ window: 300 }), MODEL, 0, context);
    const [point] = bookQaSuite.plan(recipe).slice(1);
    const built = await bookQaSuite.build(recipe, point!, context);
    const item = recipe.questions[1]! as BookQaItem;
    const tokenizer = await loadTokenizer("cl100k_base");
    const expected = buildTruncatedBookQaPrompt({ task: "longbook_qa_eng", input: item.input, options: [] }, "completions", { book: IMPORTED_BOOK }, tokenizer, 300);
    expect(built.prompt).toEqual(expected.prompt);
    expect(built.expectedPromptTokens).toBe(expected.tokensAfter);
    expect(built.maxTokens).toBe(40);
    expect(built.constructedTokens).toBeGreaterThan(200);
    expect(built.constructedTokens).toBeLessThan(300);
    expect(bookQaSuite.score(recipe, point!, "The cat was called Pilot.")).toEqual(scoreBookQa("longbook_qa_eng", "The cat was called Pilot.", item));
  });

  it("chat probes expect the message contents, without the template's framing", async () => {
    const recipe = await bookQaSuite.resolve(spec(), { ...MODEL, api: "chat" }, 0, context);
    const built = await bookQaSuite.build(recipe, bookQaSuite.plan(recipe)[0]!, context);
    const tokenizer = await loadTokenizer("cl100k_base");
    if (built.prompt.api !== "chat") throw new Error("expected chat");
    expect(built.expectedPromptTokens).toBe(built.prompt.messages.reduce((n, m) => n + tokenizer.encode(m.content).length, 0));
    expect(built.maxTokens).toBe(100);
  });

  it("dispatches through SUITES and estimates dry runs without the book", async () => {
    const recipe = (await SUITES.bookqa.resolve(spec(), MODEL, 0, context)) as BookQaRecipe;
    const estimate = await SUITES.bookqa.estimatePromptTokens(recipe, SUITES.bookqa.plan(recipe));
    expect(estimate).toBeGreaterThan(3 * Math.ceil(IMPORTED_BOOK.length / 4));
    expect(estimate).toBeLessThan(3 * 1000);
    expect(SUITES.bookqa.metrics).toEqual(["infinitebench", "paper_recall"]);
  });
});
