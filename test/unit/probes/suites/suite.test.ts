import { describe, expect, it } from "vitest";
import { tokenCountMismatch } from "../../../../src/probes/suites";

const completions = { api: "completions" as const, prompt: "p" };
const chat = { api: "chat" as const, messages: [1, 2, 3, 4].map(() => ({ role: "user" as const, content: "c" })) };

describe("token count mismatch", () => {
  it("accepts exact counts, a BOS token and up to 1 %", () => {
    expect(tokenCountMismatch(completions, 10_000, 10_000)).toBe(false);
    expect(tokenCountMismatch(completions, 1_000, 1_001)).toBe(false);
    expect(tokenCountMismatch(completions, 10_000, 10_100)).toBe(false);
    expect(tokenCountMismatch(completions, 10_000, 9_900)).toBe(false);
  });

  it("flags counts off by more than 1 %, either way", () => {
    expect(tokenCountMismatch(completions, 10_000, 10_101)).toBe(true);
    expect(tokenCountMismatch(completions, 10_000, 9_899)).toBe(true);
    // A LLaMA model evaluated with cl100k lengths reports ~20 % more tokens.
    expect(tokenCountMismatch(completions, 64_000, 77_000)).toBe(true);
  });

  it("allows chat framing on short chat prompts", () => {
    expect(tokenCountMismatch(chat, 1_000, 1_030)).toBe(false);
    expect(tokenCountMismatch(chat, 1_000, 1_040)).toBe(true);
  });

  it("says nothing when the endpoint reports no usage", () => {
    expect(tokenCountMismatch(completions, 1_000, null)).toBe(false);
  });
});
