import { describe, expect, it } from "vitest";
import {
  chatPromptTokens,
  completeChat,
  completeText,
  getReferenceModel,
  REFERENCE_MODELS,
  ReferenceModelError,
} from "../../../src/reference/models";
import { NO_ANSWER } from "../../../src/reference/reader";
import { countTextTokens, decodeTokens, encodeTokens } from "../../../src/reference/tokens";
import { LIGHTHOUSE_BOOK, LIGHTHOUSE_QUESTIONS } from "./book";
import {
  bookMcChatMessages,
  bookMcCompletionPrompt,
  bookQaChatMessages,
  bookQaCompletionPrompt,
  corpusText,
  insertNeedle,
  NEEDLE,
  needleChatMessages,
  needleCompletionPrompt,
} from "./haystack";

const CORPORA = { sotu: corpusText("sotu", 520_000), mobyDick: corpusText("mobyDick", 480_000) };

describe("registry", () => {
  it("lists both models with a 131072-token window; only the 4k one limits what it sees", () => {
    expect(REFERENCE_MODELS.map((model) => model.id)).toEqual(["extractive-128k", "extractive-4k"]);
    expect(REFERENCE_MODELS.every((model) => model.context_window === 131072)).toBe(true);
    expect(getReferenceModel("extractive-4k")?.visible_context_tokens).toBe(4096);
    expect(getReferenceModel("extractive-128k")?.visible_context_tokens).toBeUndefined();
    expect(getReferenceModel("gpt-4")).toBeUndefined();
  });
});

describe.each(Object.entries(CORPORA))("needle in ~100K tokens of %s", (_name, haystack) => {
  it("the haystack is about 100K cl100k tokens", () => {
    const tokens = countTextTokens(haystack);
    expect(tokens).toBeGreaterThan(95_000);
    expect(tokens).toBeLessThan(125_000);
  });

  it.each([0, 50, 100])("extractive-128k finds the needle at depth %i% (completions and chat)", (depth) => {
    const context = insertNeedle(haystack, depth);
    expect(completeText("extractive-128k", needleCompletionPrompt(context), { max_tokens: 100 }).text).toBe(NEEDLE);
    expect(completeChat("extractive-128k", needleChatMessages(context), { max_tokens: 100 }).text).toBe(NEEDLE);
  });

  it.each([
    [0, false],
    [50, false],
    [100, true],
  ])("extractive-4k at depth %i% finds the needle: %s", (depth, found) => {
    const context = insertNeedle(haystack, depth);
    const text = completeText("extractive-4k", needleCompletionPrompt(context), { max_tokens: 100 }).text;
    const chat = completeChat("extractive-4k", needleChatMessages(context), { max_tokens: 100 }).text;
    expect(text === NEEDLE).toBe(found);
    expect(chat === NEEDLE).toBe(found);
  });
});

describe("extractive-4k window boundary", () => {
  // The needle followed by exactly `tokensAfter` tokens of Moby-Dick.
  const tail = encodeTokens(CORPORA.mobyDick.slice(-60_000));
  const contextWith = (tokensAfter: number) =>
    `${CORPORA.mobyDick.slice(0, 200_000)}\n${NEEDLE}\n${decodeTokens(tail.slice(-tokensAfter))}`;

  it.each([
    [1_000, true],
    [4_096 - 40, true],
    [4_096 + 10, false],
    [8_000, false],
  ])("needle followed by %i tokens → found: %s", (tokensAfter, found) => {
    const answer = completeText("extractive-4k", needleCompletionPrompt(contextWith(tokensAfter))).text;
    expect(answer === NEEDLE).toBe(found);
    expect(completeText("extractive-128k", needleCompletionPrompt(contextWith(tokensAfter))).text).toBe(NEEDLE);
  });
});

describe("multiple choice on a hand-made book", () => {
  it.each(LIGHTHOUSE_QUESTIONS)("$question → $answer (all four prompt shapes, both models)", ({ question, options, answer }) => {
    for (const model of ["extractive-128k", "extractive-4k"]) {
      expect(completeText(model, bookMcCompletionPrompt(LIGHTHOUSE_BOOK, question, options)).text).toBe(answer);
      expect(completeChat(model, bookMcChatMessages(LIGHTHOUSE_BOOK, question, options)).text).toBe(answer);
    }
  });

  it("falls back to the first option when no option is supported", () => {
    const prompt = bookMcCompletionPrompt(LIGHTHOUSE_BOOK, "Which planet is largest?", ["Mars", "Jupiter", "Venus", "Saturn"]);
    expect(completeText("extractive-128k", prompt).text).toBe("A");
  });

  it("answers open book questions with the best sentence", () => {
    const question = "What did Mara plant in spring?";
    const expected = "In spring she planted blue tulips along the path to the cliff.";
    expect(completeText("extractive-128k", bookQaCompletionPrompt(LIGHTHOUSE_BOOK, question)).text).toBe(expected);
    expect(completeChat("extractive-128k", bookQaChatMessages(LIGHTHOUSE_BOOK, question)).text).toBe(expected);
  });

  it("says the document does not say when no content word matches", () => {
    const prompt = bookQaCompletionPrompt(LIGHTHOUSE_BOOK, "Who is the president?");
    expect(completeText("extractive-128k", prompt).text).toBe(NO_ANSWER);
  });
});

describe("OpenAI-like generation limits and usage", () => {
  const prompt = needleCompletionPrompt(insertNeedle(LIGHTHOUSE_BOOK, 50));

  it("counts prompt tokens with cl100k (special-token strings as text)", () => {
    const { usage, finish_reason } = completeText("extractive-128k", prompt);
    expect(finish_reason).toBe("stop");
    expect(usage.prompt_tokens).toBe(countTextTokens(prompt));
    expect(usage.completion_tokens).toBe(encodeTokens(NEEDLE).length);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it("cuts to max_tokens with finish_reason length", () => {
    const result = completeText("extractive-128k", prompt, { max_tokens: 5 });
    expect(result).toMatchObject({ text: decodeTokens(encodeTokens(NEEDLE).slice(0, 5)), finish_reason: "length" });
    expect(result.usage.completion_tokens).toBe(5);
  });

  it("stops before the first stop sequence", () => {
    const result = completeText("extractive-128k", prompt, { stop: [" Park", " sandwich"], max_tokens: 100 });
    expect(result).toMatchObject({ text: "The best thing to do in San Francisco is eat a", finish_reason: "stop" });
    // max_tokens reached before the stop sequence: length wins.
    expect(completeText("extractive-128k", prompt, { stop: " Park", max_tokens: 3 }).finish_reason).toBe("length");
  });

  it("counts chat prompts as contents + 4 per message + 3", () => {
    const messages = needleChatMessages(LIGHTHOUSE_BOOK);
    const expected = messages.reduce((sum, m) => sum + countTextTokens(m.content), 0) + 4 * messages.length + 3;
    expect(chatPromptTokens(messages)).toBe(expected);
    expect(completeChat("extractive-4k", messages).usage.prompt_tokens).toBe(expected);
  });

  it("rejects unknown models and prompts longer than the context window", () => {
    expect(() => completeText("nope", "hi")).toThrowError(ReferenceModelError);
    const long = "hello ".repeat(131_100);
    try {
      completeText("extractive-4k", long);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ReferenceModelError);
      expect(error).toMatchObject({ code: "context_length_exceeded", param: "prompt" });
      expect((error as Error).message).toMatch(/maximum context length is 131072 tokens/);
    }
  });
});

// How fast they answer it is measured by `npm run bench`, section `reference_answer`.
describe("a ~128K-token prompt", () => {
  it("fits the window, and both models answer it", () => {
    const prompt = needleCompletionPrompt(insertNeedle(corpusText("sotu", 650_000), 50));
    const tokens = countTextTokens(prompt);
    expect(tokens).toBeGreaterThan(120_000);
    expect(tokens).toBeLessThanOrEqual(131_072);
    for (const model of ["extractive-128k", "extractive-4k"]) completeText(model, prompt, { max_tokens: 100 });
  });
});
