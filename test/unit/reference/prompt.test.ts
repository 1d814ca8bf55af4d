import { describe, expect, it } from "vitest";
import { cleanContext, parseOptions, splitChat, splitPrompt } from "../../../src/reference/prompt";
import {
  bookMcChatMessages,
  bookMcCompletionPrompt,
  bookQaChatMessages,
  bookQaCompletionPrompt,
  NEEDLE_QUESTION,
  needleChatMessages,
  needleCompletionPrompt,
} from "./haystack";

const BOOK = "Chapter 1.\n\nIt was a dark night. The cat slept.\n\nChapter 2.\n\nMorning came? It did.";
const OPTIONS = ["The dog", "The cat", "The owl", "Nobody"];
const LETTERED = OPTIONS.map((text, i) => ({ letter: "ABCD"[i], text }));

describe("splitPrompt / splitChat on the four prompt shapes", () => {
  it("1. needle completions prompt: <book> wrapper and preamble removed", () => {
    expect(splitPrompt(needleCompletionPrompt(BOOK))).toEqual({ context: BOOK, question: NEEDLE_QUESTION });
  });

  it("2. needle chat: question is the first '?' sentence of the last user message", () => {
    expect(splitChat(needleChatMessages(BOOK))).toEqual({ context: BOOK, question: NEEDLE_QUESTION });
  });

  it("3. book QA completions prompt, open and multiple choice", () => {
    expect(splitPrompt(bookQaCompletionPrompt(BOOK, "Who slept?"))).toEqual({ context: BOOK, question: "Who slept?" });
    expect(splitPrompt(bookMcCompletionPrompt(BOOK, "Who slept?", OPTIONS))).toEqual({
      context: BOOK,
      question: "Who slept?",
      options: LETTERED,
    });
  });

  it("4. book QA chat (one user message), open and multiple choice", () => {
    expect(splitChat(bookQaChatMessages(BOOK, "Who slept?"))).toEqual({ context: BOOK, question: "Who slept?" });
    expect(splitChat(bookMcChatMessages(BOOK, "Who slept?", OPTIONS))).toEqual({
      context: BOOK,
      question: "Who slept?",
      options: LETTERED,
    });
  });
});

describe("splitPrompt rules", () => {
  it("uses the LAST 'Question:' marker, so the book may contain the word", () => {
    const prompt = "Question: ignored?\nThe book text.\nQuestion: real one\nAnswer:";
    expect(splitPrompt(prompt)).toEqual({ context: "Question: ignored?\nThe book text.", question: "real one" });
  });

  it("without a marker, takes the last sentence ending in '?'", () => {
    expect(splitPrompt("Some text. More text! Where is the key? ")).toEqual({
      context: "Some text. More text!",
      question: "Where is the key?",
    });
    expect(splitPrompt("Long text here.\nWhere is the key?\nAnswer:")).toEqual({
      context: "Long text here.",
      question: "Where is the key?",
    });
  });

  it("without any '?', takes the last line as the question", () => {
    expect(splitPrompt("Context line one.\nContext two.\nName the key")).toEqual({
      context: "Context line one.\nContext two.",
      question: "Name the key",
    });
  });

  it("reads a question that starts on the line after the marker", () => {
    expect(splitPrompt("The text.\n\nQuestion:\nWho?\nA. Me\nB. You\n")).toEqual({
      context: "The text.",
      question: "Who?",
      options: [
        { letter: "A", text: "Me" },
        { letter: "B", text: "You" },
      ],
    });
  });

  it("keeps a question that ends the prompt without a newline", () => {
    expect(splitPrompt("The text.\n\nQuestion: Who?")).toEqual({ context: "The text.", question: "Who?" });
  });
});

describe("splitChat rules", () => {
  it("joins several context messages and ignores system/assistant messages", () => {
    const parsed = splitChat([
      { role: "system", content: "Be helpful. What?" },
      { role: "user", content: "Part one." },
      { role: "assistant", content: "Noted. Why?" },
      { role: "user", content: "Part two." },
      { role: "user", content: "Tell me: who won? Answer briefly." },
      { role: "user", content: "   " },
    ]);
    expect(parsed).toEqual({ context: "Part one.\n\nPart two.", question: "Tell me: who won?" });
  });

  it("uses the whole last message when it has no '?'", () => {
    expect(splitChat([
      { role: "user", content: "The text." },
      { role: "user", content: "Name the winner." },
    ])).toEqual({ context: "The text.", question: "Name the winner." });
  });

  it("returns an empty parse when there is no user message", () => {
    expect(splitChat([{ role: "system", content: "x" }])).toEqual({ context: "", question: "" });
  });
});

describe("cleanContext and parseOptions", () => {
  it("strips special-token strings and the instruction line", () => {
    expect(cleanContext("<|im_start|>Read the book below and answer a question.\n\nBody text.\n\n")).toBe("Body text.");
  });

  it("requires lettered options in order starting at A", () => {
    expect(parseOptions("A. one\nB) two\nC. three")).toEqual([
      { letter: "A", text: "one" },
      { letter: "B", text: "two" },
      { letter: "C", text: "three" },
    ]);
    expect(parseOptions("A. only one")).toBeUndefined();
    expect(parseOptions("B. two\nC. three")).toBeUndefined();
  });
});
