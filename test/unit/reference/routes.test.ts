import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseLatencyMs } from "../../../src/reference/latency";
import { referenceRoutes } from "../../../src/reference/routes";
import { countTextTokens } from "../../../src/reference/tokens";
import { LIGHTHOUSE_BOOK } from "./book";
import { bookMcChatMessages, corpusText, insertNeedle, NEEDLE, needleChatMessages, needleCompletionPrompt } from "./haystack";

// Mounted the way the service mounts it, so prefixes and error handling are exercised too.
const app = new Hono().route("/reference/v1", referenceRoutes);
const BASE = "http://localhost/reference/v1";
const SMALL_PROMPT = needleCompletionPrompt(insertNeedle(LIGHTHOUSE_BOOK, 50));

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** `data:` payloads of an SSE body, checking the framing on the way. */
async function readEvents(response: Response): Promise<string[]> {
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const raw = await response.text();
  expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
  const events = raw.split("\n\n").filter((event) => event);
  for (const event of events) expect(event).toMatch(/^data: [^\n]+$/);
  return events.map((event) => event.slice("data: ".length));
}

// Response bodies are checked field by field, so they are read untyped.
async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

describe("GET /models", () => {
  it("lists the models in OpenAI's list shape", async () => {
    const response = await app.request(`${BASE}/models`);
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ object: "list" });
    expect(body.data).toHaveLength(2);
    expect(body.data[0]).toEqual({
      id: "extractive-128k",
      object: "model",
      created: expect.any(Number),
      owned_by: "ctxprobe",
      description: expect.any(String),
      context_window: 131072,
    });
  });

  it("retrieves one model, 404 for an unknown one", async () => {
    expect(await jsonOf(app.request(`${BASE}/models/extractive-4k`))).toMatchObject({ id: "extractive-4k" });
    const missing = await app.request(`${BASE}/models/gpt-9`);
    expect(missing.status).toBe(404);
    expect(await jsonOf(missing)).toEqual({
      error: { message: "The model `gpt-9` does not exist.", type: "invalid_request_error", param: "model", code: "model_not_found" },
    });
  });
});

describe("POST /completions", () => {
  it("returns a text_completion", async () => {
    const response = await post("/completions", { model: "extractive-128k", prompt: SMALL_PROMPT, max_tokens: 64, temperature: 0 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await jsonOf(response);
    expect(body).toEqual({
      id: expect.stringMatching(/^cmpl-[0-9a-f]{32}$/),
      object: "text_completion",
      created: expect.any(Number),
      model: "extractive-128k",
      choices: [{ index: 0, text: NEEDLE, finish_reason: "stop", logprobs: null }],
      usage: {
        prompt_tokens: countTextTokens(SMALL_PROMPT),
        completion_tokens: 23,
        total_tokens: countTextTokens(SMALL_PROMPT) + 23,
        prompt_tokens_details: { cached_tokens: expect.any(Number) },
      },
    });
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(5);
  });

  it("answers a prompt array with one choice per prompt and summed usage", async () => {
    const other = needleCompletionPrompt(LIGHTHOUSE_BOOK, "What was the cat called?");
    const body = await jsonOf(post("/completions", { model: "extractive-4k", prompt: [SMALL_PROMPT, other] }));
    expect(body.choices.map((choice: { index: number; text: string }) => [choice.index, choice.text])).toEqual([
      [0, NEEDLE],
      [1, "Her only companion was a grey cat named Pepper."],
    ]);
    expect(body.usage.prompt_tokens).toBe(countTextTokens(SMALL_PROMPT) + countTextTokens(other));
  });

  it("honours max_tokens and stop", async () => {
    const cut = await jsonOf(post("/completions", { model: "extractive-128k", prompt: SMALL_PROMPT, max_tokens: 4 }));
    expect(cut.choices[0]).toMatchObject({ text: "The best thing to", finish_reason: "length" });
    expect(cut.usage.completion_tokens).toBe(4);
    const stopped = await jsonOf(post("/completions", { model: "extractive-128k", prompt: SMALL_PROMPT, stop: " is" }));
    expect(stopped.choices[0]).toMatchObject({ text: "The best thing to do in San Francisco", finish_reason: "stop" });
  });

  it("finds a needle in a ~100K-token prompt over HTTP", async () => {
    const prompt = needleCompletionPrompt(insertNeedle(corpusText("sotu", 520_000), 50));
    const long = await jsonOf(post("/completions", { model: "extractive-128k", prompt, max_tokens: 100 }));
    const short = await jsonOf(post("/completions", { model: "extractive-4k", prompt, max_tokens: 100 }));
    expect(long.choices[0].text).toBe(NEEDLE);
    expect(short.choices[0].text).not.toBe(NEEDLE);
  });
});

describe("POST /chat/completions", () => {
  it("returns a chat.completion", async () => {
    const messages = needleChatMessages(insertNeedle(LIGHTHOUSE_BOOK, 0));
    const response = await post("/chat/completions", { model: "extractive-4k", messages, max_tokens: 100, temperature: 0 });
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body).toEqual({
      id: expect.stringMatching(/^chatcmpl-[0-9a-f]{32}$/),
      object: "chat.completion",
      created: expect.any(Number),
      model: "extractive-4k",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: NEEDLE, refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: 23, total_tokens: expect.any(Number), prompt_tokens_details: { cached_tokens: expect.any(Number) } },
    });
  });

  it("answers multiple choice with a single letter", async () => {
    const messages = bookMcChatMessages(LIGHTHOUSE_BOOK, "What was the name of Mara's cat?", ["Oskar", "Pepper", "Vell", "Tuesday"]);
    const body = await jsonOf(post("/chat/completions", { model: "extractive-128k", messages, max_tokens: 1 }));
    expect(body.choices[0].message.content).toBe("B");
    expect(body.choices[0].finish_reason).toBe("stop");
  });

  it("accepts developer role, text content parts, null content and max_completion_tokens", async () => {
    const body = await jsonOf(
      post("/chat/completions", {
        model: "extractive-128k",
        messages: [
          { role: "developer", content: "Answer from the document." },
          { role: "user", content: [{ type: "text", text: LIGHTHOUSE_BOOK }] },
          { role: "user", content: [{ type: "text", text: "Who captained the supply boat?" }] },
          { role: "assistant", content: null },
        ],
        max_tokens: 100,
        max_completion_tokens: 3,
      }),
    );
    expect(body.choices[0]).toMatchObject({ finish_reason: "length", message: { content: "The supply boat" } });
  });
});

describe("errors are OpenAI-shaped", () => {
  const errorOf = async (response: Response) => ((await jsonOf(response)) as { error: Record<string, unknown> }).error;

  it("404 model_not_found for an unknown model", async () => {
    for (const [path, body] of [
      ["/completions", { model: "gpt-4", prompt: "hi" }],
      ["/chat/completions", { model: "gpt-4", messages: [{ role: "user", content: "hi" }] }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toEqual({
        message: "The model `gpt-4` does not exist.",
        type: "invalid_request_error",
        param: "model",
        code: "model_not_found",
      });
    }
  });

  it.each([
    ["malformed JSON", "/completions", "{not json", null],
    ["missing model", "/completions", { prompt: "hi" }, "model"],
    ["missing prompt", "/completions", { model: "extractive-4k" }, "prompt"],
    ["max_tokens 0", "/completions", { model: "extractive-4k", prompt: "hi", max_tokens: 0 }, "max_tokens"],
    ["temperature 3", "/completions", { model: "extractive-4k", prompt: "hi", temperature: 3 }, "temperature"],
    ["five stops", "/completions", { model: "extractive-4k", prompt: "hi", stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["empty messages", "/chat/completions", { model: "extractive-4k", messages: [] }, "messages"],
    ["bad role", "/chat/completions", { model: "extractive-4k", messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
    ["JSON array body", "/chat/completions", [], null],
  ])("400 for %s", async (_case, path, body, param) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ type: "invalid_request_error", param, code: null });
    expect(error.message).toEqual(expect.any(String));
  });

  it("400 context_length_exceeded beyond 131072 prompt tokens", async () => {
    const response = await post("/completions", { model: "extractive-128k", prompt: "hello ".repeat(131_100) });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "context_length_exceeded", param: "prompt" });
  });

  it("keeps OpenAI-shaped errors when the sub-app is used unmounted", async () => {
    const response = await referenceRoutes.request("/models/none");
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: "model_not_found" });
  });

  it("404 Invalid URL for unknown paths and methods under the mount", async () => {
    const response = await app.request(`${BASE}/completions`);
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ message: "Invalid URL (GET /reference/v1/completions)" });
    expect((await app.request(`${BASE}/embeddings`, { method: "POST" })).status).toBe(404);
  });
});

describe("streaming (SSE)", () => {
  it("streams a completion: text pieces, a finish chunk, usage chunk, [DONE]", async () => {
    const plain = await jsonOf(post("/completions", { model: "extractive-128k", prompt: SMALL_PROMPT }));
    const response = await post("/completions", {
      model: "extractive-128k",
      prompt: SMALL_PROMPT,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    const events = await readEvents(response);
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^cmpl-/);
    const textChunks = chunks.slice(0, -1);
    for (const chunk of textChunks) {
      expect(chunk).toMatchObject({ object: "text_completion", model: "extractive-128k", usage: null });
      expect(chunk.choices).toHaveLength(1);
    }
    expect(textChunks.map((chunk) => chunk.choices[0].text).join("")).toBe(NEEDLE);
    expect(textChunks.length).toBeGreaterThan(5);
    expect(textChunks.at(-1).choices[0]).toEqual({ index: 0, text: "", finish_reason: "stop", logprobs: null });
    expect(textChunks.slice(0, -1).every((chunk) => chunk.choices[0].finish_reason === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ object: "text_completion", choices: [], usage: plain.usage });
  });

  it("streams without usage fields unless include_usage is set", async () => {
    const events = await readEvents(await post("/completions", { model: "extractive-4k", prompt: SMALL_PROMPT, stream: true }));
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks.every((chunk) => !("usage" in chunk) && chunk.choices.length === 1)).toBe(true);
  });

  it("streams a chat completion: role delta, content deltas, finish delta, usage, [DONE]", async () => {
    const messages = needleChatMessages(insertNeedle(LIGHTHOUSE_BOOK, 100));
    const response = await post("/chat/completions", {
      model: "extractive-4k",
      messages,
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = await readEvents(response);
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks[0]).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      usage: null,
    });
    const deltas = chunks.slice(1, -2).map((chunk) => chunk.choices[0].delta.content).join("");
    expect(deltas).toBe("The best thing to do in");
    expect(chunks.at(-2).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: "length" });
    expect(chunks.at(-1)).toMatchObject({ object: "chat.completion.chunk", choices: [], usage: { completion_tokens: 6 } });
  });

  it("reports errors as JSON before any stream starts", async () => {
    const response = await post("/chat/completions", { model: "nope", messages: [{ role: "user", content: "x" }], stream: true });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("simulated latency", () => {
  // The delay is observed on a fake clock, not measured: still pending just before it ends.
  afterEach(() => vi.useRealTimers());
  /** The response, and whether it has arrived yet. */
  function tracked(request: Response | Promise<Response>) {
    const call = { settled: false, response: Promise.resolve(request) };
    call.response = call.response.then((r) => {
      call.settled = true;
      return r;
    });
    return call;
  }

  it("delays the response by x-reference-latency-ms", async () => {
    vi.useFakeTimers();
    const call = tracked(post("/completions", { model: "extractive-4k", prompt: SMALL_PROMPT }, { "x-reference-latency-ms": "150" }));
    await vi.advanceTimersByTimeAsync(145);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    const response = await call.response;
    expect(response.status).toBe(200);
  });

  it("also reads the latency_ms query parameter", async () => {
    vi.useFakeTimers();
    const call = tracked(
      app.request(`${BASE}/chat/completions?latency_ms=120`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "extractive-4k", messages: [{ role: "user", content: "Hi?" }] }),
      }),
    );
    await vi.advanceTimersByTimeAsync(115);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    await call.response;
  });

  it("rejects a non-numeric value with 400", async () => {
    const response = await post("/completions", { model: "extractive-4k", prompt: "hi" }, { "x-reference-latency-ms": "soon" });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.param).toBe("x-reference-latency-ms");
  });

  it("parses and caps values at 60000 ms", () => {
    expect(parseLatencyMs(undefined)).toBe(0);
    expect(parseLatencyMs("")).toBe(0);
    expect(parseLatencyMs("250")).toBe(250);
    expect(parseLatencyMs("999999")).toBe(60_000);
    expect(parseLatencyMs("-1")).toBeUndefined();
    expect(parseLatencyMs("NaN")).toBeUndefined();
  });
});
