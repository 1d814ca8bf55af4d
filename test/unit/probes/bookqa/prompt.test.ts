import { describe, expect, it } from "vitest";
import {
  bookQaMaxTokens,
  bookQaPromptParts,
  buildBookQaPrompt,
  CHAT_SYSTEM_MESSAGE,
} from "../../../../src/probes/bookqa/prompt";
import { loadBuiltinBookQa } from "../../../../src/probes/bookqa/builtin";
import type { BookQaExample } from "../../../../src/probes/bookqa/types";

const BOOK = "CHAPTER 1. Loomings.\n\nCall me Orwin.";
const QA: BookQaExample = {
  id: "t-qa", task: "longbook_qa_eng", input: "Who narrates?", answer: ["Orwin"], options: [], evidence: "", chapter: 1,
};
const MC: BookQaExample = {
  id: "t-mc", task: "longbook_choice_eng", input: "Who narrates?", answer: ["Orwin", "B"],
  options: ["Varrick", "Orwin", "Kalotu", "Dunmore"], evidence: "", chapter: 1,
};

describe("completions prompts: the paper's llama templates, verbatim", () => {
  it("short answer", () => {
    expect(buildBookQaPrompt(QA, "completions", { book: BOOK })).toEqual({
      api: "completions",
      prompt: "<|im_start|>Read the book below and answer a question.\n\nCHAPTER 1. Loomings.\n\nCall me Orwin.\n\nQuestion: Who narrates?\n\nAnswer:",
    });
  });

  it("multiple choice", () => {
    expect(buildBookQaPrompt(MC, "completions", { book: BOOK })).toEqual({
      api: "completions",
      prompt:
        "<|im_start|>Read the book and answer the question.\n\nCHAPTER 1. Loomings.\n\nCall me Orwin.\n\nQuestion: Who narrates?\n\n" +
        "Only one of the following options is correct, tell me the answer using one single letter (A, B, C, or D).\n" +
        "A. Varrick\nB. Orwin\nC. Kalotu\nD. Dunmore\n\nAnswer:",
    });
  });
});

describe("chat prompts: InfiniteBench's GPT-4 templates, verbatim", () => {
  it("short answer", () => {
    expect(buildBookQaPrompt(QA, "chat", { book: BOOK })).toEqual({
      api: "chat",
      messages: [
        { role: "system", content: "You are a helpful assistant" },
        {
          role: "user",
          content: "Read the book below and answer a question.\n\nCHAPTER 1. Loomings.\n\nCall me Orwin.\n\nQuestion: Who narrates?\n\nBe very concise.",
        },
      ],
    });
  });

  it("multiple choice", () => {
    expect(buildBookQaPrompt(MC, "chat", { book: BOOK })).toEqual({
      api: "chat",
      messages: [
        { role: "system", content: CHAT_SYSTEM_MESSAGE },
        {
          role: "user",
          content:
            "Read the book and answer the question.\n\nCHAPTER 1. Loomings.\n\nCall me Orwin.\n\nQuestion: Who narrates?\n\n" +
            "Only one of the following options is correct, tell me the answer using one single letter (A, B, C, or D). Don't say anything else.\n" +
            "A. Varrick\nB. Orwin\nC. Kalotu\nD. Dunmore",
        },
      ],
    });
  });
});

describe("template details", () => {
  it("no-context control fills the template with an empty book", () => {
    expect(buildBookQaPrompt(QA, "completions", { noContext: true })).toEqual({
      api: "completions",
      prompt: "<|im_start|>Read the book below and answer a question.\n\n\n\nQuestion: Who narrates?\n\nAnswer:",
    });
    const chat = buildBookQaPrompt(MC, "chat", { noContext: true, book: BOOK });
    expect(chat.api === "chat" && chat.messages[1]!.content.startsWith("Read the book and answer the question.\n\n\n\nQuestion:")).toBe(true);
  });

  it("inserts the book literally (no $-patterns or format fields are interpreted)", () => {
    const odd = "price $& and $1 and {context} and {question}";
    const built = buildBookQaPrompt(QA, "completions", { book: odd });
    expect(built.api === "completions" && built.prompt.includes(`\n\n${odd}\n\n`)).toBe(true);
  });

  it("head + book + tail is the whole prompt", () => {
    for (const api of ["completions", "chat"] as const) {
      for (const example of [QA, MC]) {
        const parts = bookQaPromptParts(example, api);
        const built = buildBookQaPrompt(example, api, { book: BOOK });
        const text = built.api === "completions" ? built.prompt : built.messages[1]!.content;
        expect(text).toBe(parts.head + BOOK + parts.tail);
      }
    }
  });

  it("requires a book unless noContext, and exactly four options for multiple choice", () => {
    expect(() => buildBookQaPrompt(QA, "completions", {})).toThrow(/book/);
    expect(() => buildBookQaPrompt({ ...MC, options: ["x", "y", "z"] }, "chat", { book: BOOK })).toThrow(/4 options/);
  });

  it("max tokens: 40 for completions (paper); chat 100 short answer, 40 multiple choice", () => {
    expect(bookQaMaxTokens("longbook_qa_eng", "completions")).toBe(40);
    expect(bookQaMaxTokens("longbook_choice_eng", "completions")).toBe(40);
    expect(bookQaMaxTokens("longbook_qa_eng", "chat")).toBe(100);
    expect(bookQaMaxTokens("longbook_choice_eng", "chat")).toBe(40);
  });

  it("builds prompts for every built-in example", async () => {
    const { book, examples } = await loadBuiltinBookQa();
    for (const example of examples) {
      const built = buildBookQaPrompt(example, "completions", { book });
      expect(built.api === "completions" && built.prompt.endsWith("Answer:")).toBe(true);
      expect(built.api === "completions" && built.prompt.includes(example.evidence)).toBe(true);
    }
  });
});
