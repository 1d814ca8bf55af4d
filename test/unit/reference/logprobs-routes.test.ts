// Prompt log-probabilities over the reference completions route: the echo form and vLLM's prompt_logprobs.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { promptLogprobs } from "../../../src/reference/lm";
import { referenceRoutes } from "../../../src/reference/routes";
import { encodeTokens } from "../../../src/reference/tokens";
import { LIGHTHOUSE_BOOK } from "./book";
import { corpusText, needleCompletionPrompt } from "./haystack";

const app = new Hono().route("/reference/v1", referenceRoutes);
const PROMPT = needleCompletionPrompt(LIGHTHOUSE_BOOK, "What was the cat called?");
const ANSWER = "Her only companion was a grey cat named Pepper.";
// ~7K tokens: longer than the 4k model's 4,096-token window.
const LONG_PROMPT = needleCompletionPrompt(corpusText("mobyDick", 30_000), "Who is the captain?");

async function complete(body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await app.request("http://localhost/reference/v1/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "extractive-128k", ...body }),
  });
  return { status: response.status, body: await response.json() };
}

function expectCloseAll(actual: readonly (number | null)[], expected: Float64Array): void {
  expect(actual).toHaveLength(expected.length);
  expect(actual[0]).toBeNull();
  const worst = actual.slice(1).reduce((max: number, value, i) => Math.max(max, Math.abs(value! - expected[i + 1]!)), 0);
  expect(worst).toBeLessThan(1e-12);
}

describe("echo form (OpenAI legacy completions, as vLLM implements it)", () => {
  it("returns the prompt and the generated tokens with their log-probabilities and text offsets", async () => {
    const { status, body } = await complete({ prompt: PROMPT, max_tokens: 1, echo: true, logprobs: 0 });
    expect(status).toBe(200);
    const choice = body.choices[0];
    const promptIds = encodeTokens(PROMPT);
    const generatedIds = encodeTokens("Her");
    expect(choice).toMatchObject({ index: 0, text: PROMPT + "Her", finish_reason: "length" });
    const { tokens, token_logprobs, top_logprobs, text_offset } = choice.logprobs;
    expect(tokens).toHaveLength(promptIds.length + generatedIds.length);
    expect(top_logprobs).toBeNull();
    // The prompt's values are the language model's; the generated token is scored after the prompt.
    expectCloseAll(token_logprobs.slice(0, promptIds.length), promptLogprobs(promptIds));
    expect(token_logprobs.at(-1)).toBeCloseTo(promptLogprobs([...promptIds, ...generatedIds]).at(-1)!, 12);
    expect(text_offset[0]).toBe(0);
    const pieces = text_offset.map((at: number, i: number) => choice.text.slice(at, text_offset[i + 1]));
    expect(pieces).toEqual(tokens); // ASCII text: each token's string is exactly its slice
    expect(body.usage).toMatchObject({ prompt_tokens: promptIds.length, completion_tokens: 1 });
  });

  it("lists the most likely alternatives per token, holding the actual token too", async () => {
    const { body } = await complete({ prompt: PROMPT, max_tokens: 1, echo: true, logprobs: 3 });
    const { tokens, token_logprobs, top_logprobs } = body.choices[0].logprobs;
    expect(top_logprobs).toHaveLength(tokens.length);
    expect(top_logprobs[0]).toBeNull();
    for (let i = 1; i < tokens.length; i++) {
      const values = Object.values(top_logprobs[i]) as number[];
      expect(values.length).toBeGreaterThanOrEqual(3);
      expect(values.length).toBeLessThanOrEqual(4);
      expect(top_logprobs[i][tokens[i]]).toBe(token_logprobs[i]);
      expect(Math.max(...values)).toBeGreaterThanOrEqual(token_logprobs[i]);
      expect(values.every((value) => value < 0)).toBe(true);
    }
  });

  it("with max_tokens 0 scores the prompt alone", async () => {
    const { status, body } = await complete({ prompt: PROMPT, max_tokens: 0, echo: true, logprobs: 1 });
    expect(status).toBe(200);
    expect(body.choices[0]).toMatchObject({ text: PROMPT, finish_reason: "length" });
    expectCloseAll(body.choices[0].logprobs.token_logprobs, promptLogprobs(encodeTokens(PROMPT)));
    expect(body.usage.completion_tokens).toBe(0);
  });

  it("the 4k model's values use only the last 4,096 tokens before each position", async () => {
    const ids = encodeTokens(LONG_PROMPT);
    expect(ids.length).toBeGreaterThan(6000);
    const short = await complete({ model: "extractive-4k", prompt: LONG_PROMPT, max_tokens: 0, echo: true, logprobs: 0 });
    const long = await complete({ prompt: LONG_PROMPT, max_tokens: 0, echo: true, logprobs: 0 });
    expectCloseAll(short.body.choices[0].logprobs.token_logprobs, promptLogprobs(ids, { window: 4096 }));
    expectCloseAll(long.body.choices[0].logprobs.token_logprobs, promptLogprobs(ids));
    const at = (body: any, i: number) => body.choices[0].logprobs.token_logprobs[i];
    expect(at(short.body, 4000)).toBe(at(long.body, 4000));
    expect(at(short.body, 6000)).not.toBe(at(long.body, 6000));
  });

  it("offsets characters split across tokens sensibly: each starts in the token holding its first byte", async () => {
    const prompt = "Ahab 🐋 saw 語 — and ∑.";
    const { body } = await complete({ prompt, max_tokens: 0, echo: true, logprobs: 0 });
    const { tokens, text_offset } = body.choices[0].logprobs;
    expect(tokens).toHaveLength(encodeTokens(prompt).length);
    expect(tokens.join("")).toContain("\uFFFD"); // a token holding part of a character shows U+FFFD
    const pieces = text_offset.map((at: number, i: number) => prompt.slice(at, text_offset[i + 1]));
    expect(pieces.join("")).toBe(prompt);
    // " 🐋" is 3 tokens (" " + 2 bytes, 1 byte, 1 byte): the first token holds the whole character.
    expect(pieces.slice(1, 5)).toEqual(["hab", " 🐋", "", ""]);
    expect(tokens.slice(2, 5)).toEqual([" \uFFFD", "\uFFFD", "\uFFFD"]);
  });

  it("echoes each prompt of a prompt array in its own choice; echo alone leaves logprobs null", async () => {
    const { body } = await complete({ prompt: [PROMPT, "Pepper is a cat. Pepper"], max_tokens: 0, echo: true });
    expect(body.choices.map((choice: any) => [choice.text, choice.logprobs])).toEqual([
      [PROMPT, null],
      ["Pepper is a cat. Pepper", null],
    ]);
  });
});

describe("prompt_logprobs (vLLM's extension)", () => {
  it("gives one entry per prompt token, keyed by token id, the first null; k = 0 holds the actual token only", async () => {
    const { status, body } = await complete({ prompt: PROMPT, max_tokens: 64, prompt_logprobs: 0 });
    expect(status).toBe(200);
    const choice = body.choices[0];
    expect(choice).toMatchObject({ text: ANSWER, logprobs: null });
    const ids = encodeTokens(PROMPT);
    const expected = promptLogprobs(ids);
    expect(choice.prompt_logprobs).toHaveLength(ids.length);
    expect(choice.prompt_logprobs[0]).toBeNull();
    for (let i = 1; i < ids.length; i++) {
      const entry = choice.prompt_logprobs[i];
      expect(Object.keys(entry)).toEqual([String(ids[i])]);
      expect(entry[ids[i]!].logprob).toBeCloseTo(expected[i]!, 12);
      expect(entry[ids[i]!].rank === null || entry[ids[i]!].rank === 1).toBe(true);
    }
    expect(choice.prompt_logprobs[1][ids[1]!].decoded_token).toBe("|"); // the prompt starts "<", "|", "im"
  });

  it("with k = 3 adds the three most likely tokens, ranked 1, 2, 3", async () => {
    const { body } = await complete({ prompt: PROMPT, max_tokens: 1, prompt_logprobs: 3 });
    const ids = encodeTokens(PROMPT);
    const entries = body.choices[0].prompt_logprobs;
    for (let i = 1; i < ids.length; i++) {
      const entry = entries[i];
      const actual = entry[ids[i]!];
      expect(actual.logprob).toBeCloseTo(promptLogprobs(ids)[i]!, 12);
      const byLikelihood = (Object.values(entry) as any[]).sort((a, b) => b.logprob - a.logprob);
      expect(byLikelihood.slice(0, 3).map((value) => value.rank)).toEqual([1, 2, 3]);
      // Four entries: the actual token is not among the top 3, so it is the least likely, rank unknown.
      if (byLikelihood.length === 4) expect(byLikelihood[3]).toEqual({ ...actual, rank: null });
      else expect(byLikelihood).toHaveLength(3);
    }
    // After the lone "<", the cache's only token "<" is the most likely next one.
    expect(entries[1][ids[0]!]).toMatchObject({ rank: 1, decoded_token: "<" });
  });
});

describe("refusals and unchanged replies", () => {
  it.each([{ echo: true }, { prompt_logprobs: 0 }])("400 for %o with stream", async (fields) => {
    const { status, body } = await complete({ prompt: PROMPT, stream: true, ...fields });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: "stream", code: null });
    expect(body.error.message).toContain("echo/prompt_logprobs are not supported with stream");
  });

  it.each([
    ["logprobs 6", { echo: true, logprobs: 6 }, "logprobs"],
    ["logprobs 1.5", { echo: true, logprobs: 1.5 }, "logprobs"],
    ["prompt_logprobs -1", { prompt_logprobs: -1 }, "prompt_logprobs"],
    ["echo as a string", { echo: "yes" }, "echo"],
    ["max_tokens 0 without echo", { max_tokens: 0, logprobs: 1 }, "max_tokens"],
  ])("400 for %s", async (_case, fields, param) => {
    const { status, body } = await complete({ prompt: PROMPT, ...fields });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: "invalid_request_error", param, code: null });
  });

  it("without echo, prompt_logprobs or logprobs the reply is as before (logprobs null, no prompt_logprobs)", async () => {
    const { body } = await complete({ prompt: PROMPT, max_tokens: 64 });
    expect(body.choices).toEqual([{ index: 0, text: ANSWER, finish_reason: "stop", logprobs: null }]);
    expect(Object.keys(body.choices[0])).not.toContain("prompt_logprobs");
  });

  it("with logprobs and no echo, covers the generated tokens only: the first one's top list is the distribution after the prompt", async () => {
    const { body } = await complete({ prompt: PROMPT, max_tokens: 64, logprobs: 2 });
    const logprobs = body.choices[0].logprobs;
    const generated = encodeTokens(ANSWER);
    expect(logprobs.tokens).toHaveLength(generated.length);
    expect(logprobs.text_offset[0]).toBe(0);
    const ids = [...encodeTokens(PROMPT), ...generated];
    const expected = promptLogprobs(ids);
    logprobs.token_logprobs.forEach((lp: number, i: number) => expect(lp).toBeCloseTo(expected[encodeTokens(PROMPT).length + i]!, 12));
    expect(Object.keys(logprobs.top_logprobs[0]).length).toBeGreaterThanOrEqual(2);
    expect(body.choices[0].text).toBe(ANSWER);
  });
});
