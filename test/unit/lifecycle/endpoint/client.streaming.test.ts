import { describe, expect, it } from "vitest";
import { callEndpoint, readEventStream, requestBody } from "../../../../src/lifecycle/endpoint/client";

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

const event = (data: unknown) => `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;

describe("streaming replies", () => {
  it("asks for usage in the stream", () => {
    expect(requestBody("m", { api: "completions", prompt: "p" }, 5, true)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(requestBody("m", { api: "completions", prompt: "p" }, 5)).not.toHaveProperty("stream");
  });

  it("joins completion deltas and reads the final usage chunk, even when events are split across reads", async () => {
    const text = [
      event({ choices: [{ index: 0, text: "eat a sand" }] }),
      event({ choices: [{ index: 0, text: "wich", finish_reason: "stop" }] }),
      event({ choices: [], usage: { prompt_tokens: 900, completion_tokens: 4 } }),
      event("[DONE]"),
    ].join("");
    const parts = [text.slice(0, 7), text.slice(7, 50), text.slice(50, 51), text.slice(51)];
    const outcome = await readEventStream(streamOf(parts), Date.now());
    expect(outcome).toMatchObject({ kind: "ok", text: "eat a sandwich", finishReason: "stop", usage: { promptTokens: 900, completionTokens: 4 } });
    expect((outcome as { ttftMs: number }).ttftMs).toBeGreaterThanOrEqual(0);
  });

  it("reads chat deltas", async () => {
    const outcome = await readEventStream(
      streamOf([event({ choices: [{ delta: { role: "assistant" } }] }), event({ choices: [{ delta: { content: "Dolores" }, finish_reason: "length" }] }), "data: [DONE]\r\n\r\n"]),
      Date.now(),
    );
    expect(outcome).toMatchObject({ kind: "ok", text: "Dolores", finishReason: "length" });
  });

  it("retries a stream cut before [DONE] or holding garbage", async () => {
    expect((await readEventStream(streamOf([event({ choices: [{ text: "half" }] })]), Date.now())).kind).toBe("retry");
    expect((await readEventStream(streamOf(["data: {broken\n\n"]), Date.now())).kind).toBe("retry");
  });

  it("reads a JSON answer from a server that ignores stream", async () => {
    const outcome = await callEndpoint({ baseUrl: "http://x/v1", model: "m", timeoutMs: 1000 }, { api: "completions", prompt: "p" }, 5, async () =>
      new Response(JSON.stringify({ choices: [{ text: "ok", finish_reason: "stop" }] }), { headers: { "content-type": "application/json" } }),
    { stream: true });
    expect(outcome).toMatchObject({ kind: "ok", text: "ok", ttftMs: null });
  });

  it("asks again without streaming when the server refuses it", async () => {
    const bodies: Record<string, unknown>[] = [];
    const outcome = await callEndpoint({ baseUrl: "http://x/v1", model: "m", timeoutMs: 1000 }, { api: "completions", prompt: "p" }, 5, async (req) => {
      const body = (await req.json()) as Record<string, unknown>;
      bodies.push(body);
      if (body.stream) return new Response(JSON.stringify({ error: { message: "stream is not supported" } }), { status: 400 });
      return new Response(JSON.stringify({ choices: [{ text: "plain", finish_reason: "stop" }] }));
    }, { stream: true });
    expect(outcome).toMatchObject({ kind: "ok", text: "plain", streamRefused: true });
    expect(bodies.map((b) => b.stream ?? false)).toEqual([true, false]);
  });

  it("streams from a real SSE response", async () => {
    const outcome = await callEndpoint({ baseUrl: "http://x/v1", model: "m", timeoutMs: 1000 }, { api: "chat", messages: [{ role: "user", content: "q" }] }, 5, async () =>
      new Response(streamOf([event({ choices: [{ delta: { content: "hi" }, finish_reason: "stop" }] }), event({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }), event("[DONE]")]), {
        headers: { "content-type": "text/event-stream" },
      }),
    { stream: true });
    expect(outcome).toMatchObject({ kind: "ok", text: "hi", usage: { promptTokens: 3 } });
  });
});
