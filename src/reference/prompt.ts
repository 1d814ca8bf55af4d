// Splits an evaluation prompt into the document (context), the question and any answer options.
// Understands the needle-in-a-haystack and long-book QA prompt shapes, in completions and chat form.
import type { ChatMessage } from "../probes/types";

export interface AnswerOption {
  letter: string;
  text: string;
}

export interface ParsedPrompt {
  context: string;
  question: string;
  /** Present only for multiple choice: at least two options lettered A, B, ... in order. */
  options?: AnswerOption[];
}

const QUESTION_MARKER = "Question:";
const SPECIAL_TOKEN = /<\|[a-z_]+\|>/g;
// Instructions that open the book-QA prompts; they are not part of the book.
const INSTRUCTION_PARAGRAPH = /^\s*read the book\b[^\n]*(\n|$)/i;
const OPTION_LINE = /^[ \t]*([A-Z])[.)][ \t]+(.+?)[ \t]*$/gm;

/**
 * Parses a raw prompt. The question is the text after the LAST "Question:" up to the next newline
 * and the context is everything before it; without that marker the question is the last sentence
 * ending in "?". The context loses a `<book>…</book>` wrapper, special-token strings and the
 * "Read the book…" instruction line.
 */
export function splitPrompt(prompt: string): ParsedPrompt {
  const marker = prompt.lastIndexOf(QUESTION_MARKER);
  if (marker >= 0) {
    // The question may also start on the line after the marker.
    const afterMarker = prompt.slice(marker + QUESTION_MARKER.length).replace(/^\s+/, "");
    const lineEnd = afterMarker.indexOf("\n");
    const question = (lineEnd >= 0 ? afterMarker.slice(0, lineEnd) : afterMarker).trim();
    const rest = lineEnd >= 0 ? afterMarker.slice(lineEnd) : "";
    return withOptions(cleanContext(prompt.slice(0, marker)), question, rest);
  }
  const found = findQuestion(prompt, "last");
  if (!found) return splitOnLastLine(prompt);
  return withOptions(cleanContext(prompt.slice(0, found.start)), found.question, prompt.slice(found.end));
}

/**
 * Parses a chat. The question comes from the last non-empty user message: parsed like a raw prompt
 * when it holds a "Question:" marker or is the only user message, otherwise its first sentence
 * ending in "?" (or the whole message). The other user messages form the context; system and
 * assistant messages are ignored.
 */
export function splitChat(messages: readonly ChatMessage[]): ParsedPrompt {
  const userTexts = messages
    .filter((message) => message.role === "user" && message.content.trim())
    .map((message) => message.content);
  const last = userTexts.pop();
  if (last === undefined) return { context: "", question: "" };

  const earlier = userTexts.map(cleanContext);
  if (last.includes(QUESTION_MARKER) || earlier.length === 0) {
    const parsed = splitPrompt(last);
    return { ...parsed, context: joinParagraphs([...earlier, parsed.context]) };
  }
  const found = findQuestion(last, "first");
  const question = found ? found.question : last.trim();
  return withOptions(joinParagraphs(earlier), question, found ? last.slice(found.end) : "");
}

/** Removes prompt scaffolding around the document text. */
export function cleanContext(raw: string): string {
  let text = raw;
  const open = text.indexOf("<book>");
  const close = text.lastIndexOf("</book>");
  if (open >= 0 && close > open) text = text.slice(open + "<book>".length, close);
  return text.replace(SPECIAL_TOKEN, "").replace(INSTRUCTION_PARAGRAPH, "").trim();
}

/** Lettered options (A., B., …) listed in `text`; undefined unless at least A and B are present. */
export function parseOptions(text: string): AnswerOption[] | undefined {
  const options: AnswerOption[] = [];
  for (const match of text.matchAll(OPTION_LINE)) {
    const expected = String.fromCharCode(65 + options.length);
    if (match[1] === expected) options.push({ letter: expected, text: match[2]! });
  }
  return options.length >= 2 ? options : undefined;
}

function withOptions(context: string, question: string, textAfterQuestion: string): ParsedPrompt {
  const options = parseOptions(textAfterQuestion);
  return options ? { context, question, options } : { context, question };
}

/** The first or last sentence of `text` that ends in "?", with its character range. */
function findQuestion(
  text: string,
  which: "first" | "last",
): { question: string; start: number; end: number } | undefined {
  const mark = which === "first" ? text.indexOf("?") : text.lastIndexOf("?");
  if (mark < 0) return undefined;
  const start = sentenceStart(text, mark);
  return { question: text.slice(start, mark + 1).trim(), start, end: mark + 1 };
}

/** Index where the sentence containing position `at` begins (after a newline or ". "/"! "/"? "). */
function sentenceStart(text: string, at: number): number {
  for (let i = at - 1; i > 0; i--) {
    const char = text[i]!;
    if (char === "\n") return i + 1;
    if (/\s/.test(char) && /[.!?]/.test(text[i - 1]!)) return i + 1;
  }
  return 0;
}

function splitOnLastLine(prompt: string): ParsedPrompt {
  const trimmed = prompt.trimEnd();
  const lineStart = trimmed.lastIndexOf("\n") + 1;
  return { context: cleanContext(trimmed.slice(0, lineStart)), question: trimmed.slice(lineStart).trim() };
}

function joinParagraphs(parts: readonly string[]): string {
  return parts.filter((part) => part).join("\n\n");
}
