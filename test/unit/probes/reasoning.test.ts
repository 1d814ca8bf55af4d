import { describe, expect, it } from "vitest";
import { incompleteReason, reasoningMode, separateReasoning, type RawReply } from "../../../src/probes/reasoning";
import { scoreNeedle } from "../../../src/probes/needle/score";

const reply = (text: string, over: Partial<RawReply> = {}): RawReply => ({ text, reasoningField: null, finishReason: "stop", ...over });
const NEEDLE_ANSWER = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";

describe("reasoning mode", () => {
  it("maps the model option: absent → auto, true → always, false → never", () => {
    expect(reasoningMode(undefined)).toBe("auto");
    expect(reasoningMode(true)).toBe("always");
    expect(reasoningMode(false)).toBe("never");
  });
});

describe("separating reasoning from the answer", () => {
  it("leaves a plain reply untouched in every mode", () => {
    for (const mode of ["auto", "always", "never"] as const) {
      expect(separateReasoning(reply("  Dolores Park. "), mode)).toEqual({ answer: "  Dolores Park. ", reasoning: null, incomplete: false, detected: false });
    }
  });

  it("splits a leading <think> block and drops the whitespace after it", () => {
    const out = separateReasoning(reply("\n<think>\nThe essay says a sandwich.\n</think>\n\n  Eat a sandwich."), "auto");
    expect(out).toEqual({ answer: "Eat a sandwich.", reasoning: "The essay says a sandwich.", incomplete: false, detected: true });
  });

  it("takes everything before a closing tag with no opening one as reasoning (the template opened the block)", () => {
    const out = separateReasoning(reply("Let me look for the city.\n</think>\n\nDolores Park"), "auto");
    expect(out).toMatchObject({ answer: "Dolores Park", reasoning: "Let me look for the city.", incomplete: false, detected: true });
  });

  it("splits Kimi K2's ◁think▷ delimiters too", () => {
    expect(separateReasoning(reply("◁think▷hmm◁/think▷ Dolores"), "auto")).toMatchObject({ answer: "Dolores", reasoning: "hmm" });
  });

  it("keeps a tag in the middle of the answer as part of it (auto only looks at how the reply opens)", () => {
    const text = "Dolores Park, as the <think> tag in the text says.";
    expect(separateReasoning(reply(text), "auto")).toMatchObject({ answer: text, reasoning: null, detected: false });
  });

  it("splits only the first block; later text is answer", () => {
    const out = separateReasoning(reply("<think>a</think>answer <think>b</think>"), "auto");
    expect(out).toMatchObject({ answer: "answer <think>b</think>", reasoning: "a" });
  });

  it("takes reasoning from the server's own field, the content being the answer", () => {
    const out = separateReasoning(reply("Dolores Park", { reasoningField: "The essay mentions a park." }), "auto");
    expect(out).toEqual({ answer: "Dolores Park", reasoning: "The essay mentions a park.", incomplete: false, detected: true });
  });

  it("keeps both a field and an inline block", () => {
    const out = separateReasoning(reply("<think>two</think>ok", { reasoningField: "one" }), "auto");
    expect(out.reasoning).toBe("one\n\ntwo");
    expect(out.answer).toBe("ok");
  });

  it("ignores a blank reasoning field", () => {
    expect(separateReasoning(reply("ok", { reasoningField: "  \n" }), "auto")).toMatchObject({ reasoning: null, detected: false });
  });
});

describe("incomplete replies", () => {
  it("is incomplete when cut by length inside an unclosed block", () => {
    const out = separateReasoning(reply("<think>I should scan the essay for", { finishReason: "length" }), "auto");
    expect(out).toEqual({ answer: "", reasoning: "I should scan the essay for", incomplete: true, detected: true });
  });

  it("is incomplete when cut by length with reasoning in the field and no answer yet", () => {
    expect(separateReasoning(reply("", { reasoningField: "Thinking…", finishReason: "length" }), "auto").incomplete).toBe(true);
    expect(separateReasoning(reply(" \n", { reasoningField: "Thinking…", finishReason: "length" }), "auto").incomplete).toBe(true);
  });

  it("is incomplete when cut right after the block closed, before any answer", () => {
    expect(separateReasoning(reply("<think>done</think>\n", { finishReason: "length" }), "auto").incomplete).toBe(true);
  });

  it("is not incomplete when an answer was begun before the cut (it is scored as it is)", () => {
    expect(separateReasoning(reply("Dolores", { reasoningField: "Thinking", finishReason: "length" }), "auto")).toMatchObject({ answer: "Dolores", incomplete: false });
    expect(separateReasoning(reply("<think>x</think>Dolores", { finishReason: "length" }), "auto").incomplete).toBe(false);
  });

  it("auto: an unclosed block that ended on its own is not incomplete; its answer is empty", () => {
    expect(separateReasoning(reply("<think>the park", { finishReason: "stop" }), "auto")).toEqual({ answer: "", reasoning: "the park", incomplete: false, detected: true });
  });

  it("always: an unclosed block is incomplete however the reply ended", () => {
    expect(separateReasoning(reply("<think>the park", { finishReason: "stop" }), "always").incomplete).toBe(true);
  });

  it("always: a reply cut by length that never closed its reasoning is all reasoning (template-opened block)", () => {
    const out = separateReasoning(reply("First, the essay…", { finishReason: "length" }), "always");
    expect(out).toEqual({ answer: "", reasoning: "First, the essay…", incomplete: true, detected: true });
    // auto cannot tell such a reply from a plain answer cut short: scored as it is.
    expect(separateReasoning(reply("First, the essay…", { finishReason: "length" }), "auto")).toMatchObject({ answer: "First, the essay…", incomplete: false });
  });

  it("never: the text is the answer, tags and all, and nothing is incomplete", () => {
    const out = separateReasoning(reply("<think>cut", { finishReason: "length", reasoningField: "field" }), "never");
    expect(out).toEqual({ answer: "<think>cut", reasoning: "field", incomplete: false, detected: true });
  });

  it("says why and what to do", () => {
    const out = separateReasoning(reply("<think>12345", { finishReason: "length" }), "auto");
    expect(incompleteReason(out, "length")).toBe("the reply ended inside its reasoning (finish_reason length after 5 chars of reasoning): raise max_output_tokens");
  });
});

describe("scoring the answer only", () => {
  it("a needle named only in the reasoning is not retrieved; after </think> it scores like a plain reply", () => {
    const plain = scoreNeedle(NEEDLE_ANSWER);
    const thought = separateReasoning(reply(`<think>${NEEDLE_ANSWER}</think>I do not know.`), "auto");
    expect(scoreNeedle(thought.answer).contains).toBe(0);
    const answered = separateReasoning(reply(`<think>Looking for the city.</think>\n\n${NEEDLE_ANSWER}`), "auto");
    expect(scoreNeedle(answered.answer)).toEqual(plain);
    expect(plain.contains).toBe(1);
  });
});
