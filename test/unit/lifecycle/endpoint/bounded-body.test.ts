// Bounded reads of what a user's server sends: a completion reply (JSON or events) stops at the cap,
// cancels the body, and ends the call unscorable, once, with the reason.
import { describe, expect, it } from "vitest";
import { callEndpoint } from "../../../../src/lifecycle/endpoint/client";
import {
  DEFAULT_MAX_REPLY_BYTES,
  DEFAULT_MAX_TOKENIZE_REPLY_BYTES,
  pumpBounded,
  readBoundedText,
  replyCaps,
} from "../../../../src/lifecycle/endpoint/bounded-body";
import { bytesOf, producer, splitAt, streamOfBytes } from "./streams";

const prompt = { api: "completions" as const, prompt: "p" };
const target = (maxReplyBytes?: number) => ({ baseUrl: "http://x/v1", model: "m", timeoutMs: 5000, ...(maxReplyBytes ? { maxReplyBytes } : {}) });

describe("bounded reads", () => {
  it("decodes text split inside multi-byte characters, and refuses one byte over the cap", async () => {
    const bytes = bytesOf('{"text":"café 東京 🙂"}');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const read = await readBoundedText(new Response(streamOfBytes(splitAt(bytes, cut))), bytes.length);
      expect(read).toEqual({ kind: "text", text: '{"text":"café 東京 🙂"}' });
    }
    expect(await readBoundedText(new Response(streamOfBytes([bytes])), bytes.length - 1)).toEqual({ kind: "too_large", bytes: bytes.length, declared: false });
  });

  it("does not read a body whose Content-Length is beyond the cap", async () => {
    const source = producer("{", 1024, 10_000);
    const response = new Response(source.stream, { headers: { "content-length": "10000" } });
    expect(await readBoundedText(response, 4096)).toEqual({ kind: "too_large", bytes: 10_000, declared: true });
    expect(source.cancelled).toBe(true);
    expect(source.pulled).toBeLessThanOrEqual(1);
  });

  it("cancels the body when the consumer throws", async () => {
    const source = producer("x", 1024);
    await expect(pumpBounded(source.stream, 1 << 20, () => { throw new SyntaxError("bad"); })).rejects.toThrow("bad");
    expect(source.cancelled).toBe(true);
  });

  it("takes its caps from the Worker's vars", () => {
    expect(replyCaps({})).toEqual({ maxReplyBytes: DEFAULT_MAX_REPLY_BYTES, maxTokenizeReplyBytes: DEFAULT_MAX_TOKENIZE_REPLY_BYTES });
    expect(replyCaps({ MAX_REPLY_BYTES: "1000", MAX_TOKENIZE_REPLY_BYTES: "2000" })).toEqual({ maxReplyBytes: 1000, maxTokenizeReplyBytes: 2000 });
  });
});

describe("a completion reply over the cap", () => {
  it("a JSON reply: the body is cancelled past the cap and the call fails unscorable, with the reason", async () => {
    const chunk = 16 * 1024;
    const source = producer('{"choices":[{"text":"', chunk, 50 * 1024 * 1024);
    let calls = 0;
    const outcome = await callEndpoint(target(256 * 1024), prompt, 5, async () => {
      calls++;
      return new Response(source.stream, { headers: { "content-type": "application/json" } });
    }, { stream: true });
    expect(outcome).toMatchObject({ kind: "fail", unscorable: true, reason: expect.stringMatching(/^the endpoint's reply exceeded 262144 bytes; reading stopped there/) });
    expect(source.cancelled).toBe(true);
    expect(source.pulled).toBeLessThanOrEqual(256 * 1024 + chunk);
    // Not asked again without streaming (only a 4xx naming "stream" is).
    expect(calls).toBe(1);
  });

  it("a JSON reply that declares its size is not read; an error body is capped too", async () => {
    const declared = producer("{", 1024, 3 * 1024 * 1024);
    const outcome = await callEndpoint(target(), prompt, 5, async () => new Response(declared.stream, { headers: { "content-length": String(3 * 1024 * 1024) } }));
    expect(outcome).toMatchObject({ kind: "fail", unscorable: true, reason: expect.stringContaining(`exceeded ${DEFAULT_MAX_REPLY_BYTES} bytes; it declared 3145728 bytes and was not read`) });
    expect(declared.cancelled).toBe(true);
    const errorBody = producer('{"error":{"message":"', 64 * 1024);
    const failed = await callEndpoint(target(100_000), prompt, 5, async () => new Response(errorBody.stream, { status: 500 }));
    expect(failed).toMatchObject({ kind: "fail", unscorable: true });
    expect(errorBody.cancelled).toBe(true);
  });

  it("an event stream that declares a size beyond the cap is not read either", async () => {
    const source = producer("data: ", 1024, 10_000);
    const outcome = await callEndpoint(target(4096), prompt, 5, async () => new Response(source.stream, { headers: { "content-type": "text/event-stream", "content-length": "10000" } }), { stream: true });
    expect(outcome).toMatchObject({ kind: "fail", unscorable: true, reason: expect.stringContaining("it declared 10000 bytes") });
  });

  it("a reply within the cap is read as before", async () => {
    const body = JSON.stringify({ choices: [{ text: "fits", finish_reason: "stop" }] });
    expect(await callEndpoint(target(body.length), prompt, 5, async () => new Response(body))).toMatchObject({ kind: "ok", text: "fits" });
  });
});
