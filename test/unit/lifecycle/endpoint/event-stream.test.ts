// The linear event-stream parser: same outcomes as the reader it replaced, whatever the chunking,
// a byte cap that stops and cancels the body, and structural linearity (bytes examined, not time).
import { describe, expect, it } from "vitest";
import { readEventStream, type CallOutcome } from "../../../../src/lifecycle/endpoint/client";
import { EventStreamParser } from "../../../../src/lifecycle/endpoint/event-stream";
import { DEFAULT_MAX_REPLY_BYTES } from "../../../../src/lifecycle/endpoint/bounded-body";
import { bytesOf, producer, splitAt, streamOfBytes } from "./streams";

const event = (data: unknown, eol = "\n") => `data: ${typeof data === "string" ? data : JSON.stringify(data)}${eol}${eol}`;

/** The outcome without its clock readings, which differ from run to run. */
function stable(outcome: CallOutcome) {
  const { latencyMs: _latency, ...rest } = outcome;
  if (rest.kind === "ok") return { ...rest, ttftMs: rest.ttftMs === null ? null : "set" };
  return rest;
}

const read = async (chunks: Uint8Array[], maxBytes?: number) => stable(await readEventStream(streamOfBytes(chunks), Date.now(), maxBytes));

// Completion deltas with multi-byte characters (split inside them below), a finish reason, the
// usage chunk, a comment and an `event:` line to skip, and [DONE].
const STREAM = [
  ": keep-alive\n\n",
  event({ choices: [{ index: 0, text: "eat a sandwich in Dolores Park, café " }] }),
  "event: message\n",
  event({ choices: [{ index: 0, text: "東京 🙂", finish_reason: "stop" }] }),
  event({ choices: [], usage: { prompt_tokens: 900, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 512 } } }),
  event("[DONE]"),
].join("");
const EXPECTED = {
  kind: "ok",
  text: "eat a sandwich in Dolores Park, café 東京 🙂",
  reasoning: null,
  finishReason: "stop",
  usage: { promptTokens: 900, completionTokens: 9, cachedTokens: 512 },
  ttftMs: "set",
};

describe("the event-stream parser", () => {
  it("reads the stream whole, in one-byte chunks, and split at every byte offset", async () => {
    const bytes = bytesOf(STREAM);
    expect(await read([bytes])).toEqual(EXPECTED);
    expect(await read(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(EXPECTED);
    for (let cut = 0; cut <= bytes.length; cut++) expect(await read(splitAt(bytes, cut)), `cut at ${cut}`).toEqual(EXPECTED);
  });

  it("reads CRLF and lone-CR line ends, also with a CRLF split between two chunks", async () => {
    const crlf = bytesOf(STREAM.replaceAll("\n", "\r\n"));
    const cr = bytesOf(STREAM.replaceAll("\n", "\r"));
    for (const bytes of [crlf, cr]) {
      expect(await read([bytes])).toEqual(EXPECTED);
      for (let cut = 0; cut <= bytes.length; cut++) expect(await read(splitAt(bytes, cut))).toEqual(EXPECTED);
    }
    // Every pair of cuts of a short CRLF stream (three chunks).
    const short = bytesOf(event({ choices: [{ delta: { content: "Dolores" }, finish_reason: "length" }] }, "\r\n") + "data: [DONE]\r\n\r\n");
    for (let a = 0; a <= short.length; a++) {
      for (let b = a; b <= short.length; b++) expect(await read(splitAt(short, a, b))).toMatchObject({ kind: "ok", text: "Dolores", finishReason: "length" });
    }
  });

  it("keeps the outcomes of the reader it replaced", async () => {
    // Unterminated: retried.
    expect(await read([bytesOf(event({ choices: [{ text: "half" }] }))])).toMatchObject({ kind: "retry", reason: "the response stream ended before [DONE]" });
    // Malformed JSON in an event: retried.
    expect(await read([bytesOf("data: {broken\n\n")])).toMatchObject({ kind: "retry", reason: "malformed event in the response stream" });
    // [DONE] without a trailing newline, as the last bytes of the stream.
    expect(await read([bytesOf(event({ choices: [{ text: "x" }] }) + "data: [DONE]")])).toMatchObject({ kind: "ok", text: "x" });
    // Chat deltas: a role-only delta adds nothing and does not start the first-token clock.
    expect(await read([bytesOf(event({ choices: [{ delta: { role: "assistant" } }] }) + event({ choices: [{ delta: { content: null } }] }) + event("[DONE]"))])).toEqual({
      kind: "ok", text: "", reasoning: null, finishReason: null, usage: { promptTokens: null, completionTokens: null, cachedTokens: null }, ttftMs: null,
    });
    // A byte-order mark before the first line.
    expect(await read([Uint8Array.of(0xef, 0xbb, 0xbf), bytesOf(event({ choices: [{ text: "bom" }] }) + event("[DONE]"))])).toMatchObject({ kind: "ok", text: "bom" });
  });

  it("collects reasoning deltas (reasoning_content, or reasoning) apart from the content, whatever the chunking", async () => {
    const stream = bytesOf(
      event({ choices: [{ delta: { role: "assistant", reasoning_content: "The essay… " } }] }) +
        event({ choices: [{ delta: { reasoning: "a park 🙂" } }] }) +
        event({ choices: [{ delta: { content: "Dolores Park" }, finish_reason: "stop" }] }) +
        event("[DONE]"),
    );
    const expected = { kind: "ok", text: "Dolores Park", reasoning: "The essay… a park 🙂", finishReason: "stop", ttftMs: "set" };
    for (let cut = 0; cut <= stream.length; cut++) expect(await read(splitAt(stream, cut))).toMatchObject(expected);
    // Only reasoning before the cut: the first reasoning token starts the clock; the answer is empty.
    const cutInside = bytesOf(event({ choices: [{ delta: { reasoning_content: "still" }, finish_reason: "length" }] }) + event("[DONE]"));
    expect(await read([cutInside])).toMatchObject({ kind: "ok", text: "", reasoning: "still", finishReason: "length", ttftMs: "set" });
  });

  it("stops at [DONE]: what follows is neither parsed nor read, and the body is cancelled", async () => {
    const source = producer(event({ choices: [{ text: "done" }] }) + event("[DONE]") + "data: {not json", 4096);
    const outcome = await readEventStream(source.stream, Date.now());
    expect(outcome).toMatchObject({ kind: "ok", text: "done" });
    expect(source.cancelled).toBe(true);
    expect(source.pulled).toBeLessThan(100);
  });

  it("measures time to first token from the call's start", () => {
    let clock = 1000;
    const parser = new EventStreamParser(900, () => clock);
    parser.push(bytesOf(event({ choices: [{ text: "" }] })));
    clock = 1250;
    parser.push(bytesOf(event({ choices: [{ text: "a" }] })));
    clock = 2000;
    parser.push(bytesOf(event({ choices: [{ text: "b" }] })));
    expect(parser.result()).toMatchObject({ text: "ab", ttftMs: 350 });
  });
});

describe("a reply over the byte cap", () => {
  it("ends unscorable, once, with the cap in the reason, when the cap is hit in the middle of an event", async () => {
    const big = event({ choices: [{ text: "x".repeat(5000) }] });
    const small = event({ choices: [{ text: "ok" }] });
    const bytes = bytesOf(small + big + event("[DONE]"));
    const outcome = await read(splitAt(bytes, 100, 2000, 4000), 3000);
    expect(outcome).toEqual({ kind: "fail", unscorable: true, reason: expect.stringMatching(/^the endpoint's reply exceeded 3000 bytes; reading stopped there \(MAX_REPLY_BYTES/) });
    // A stream exactly at the cap is read.
    expect(await read([bytes], bytes.length)).toMatchObject({ kind: "ok" });
    expect(await read([bytes], bytes.length - 1)).toMatchObject({ kind: "fail", unscorable: true });
  });

  it("cancels the source: a 50 MB single event is given up after at most cap + one chunk", async () => {
    const chunk = 64 * 1024;
    const source = producer('data: {"choices":[{"text":"', chunk, 50 * 1024 * 1024);
    const outcome = await readEventStream(source.stream, Date.now());
    expect(outcome).toMatchObject({ kind: "fail", unscorable: true, reason: expect.stringContaining(`exceeded ${DEFAULT_MAX_REPLY_BYTES} bytes`) });
    expect(source.cancelled).toBe(true);
    expect(source.pulled).toBeLessThanOrEqual(DEFAULT_MAX_REPLY_BYTES + chunk);
  });
});

describe("linearity, counted in bytes", () => {
  it("examines each byte of one big event once and copies it at most once, however small the chunks", async () => {
    const text = "y".repeat(1 << 20);
    const bytes = bytesOf(event({ choices: [{ text }] }) + event("[DONE]"));
    const chunks = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
    const stats = { scannedBytes: 0, copiedBytes: 0 };
    const outcome = await readEventStream(streamOfBytes(chunks), Date.now(), bytes.length, stats);
    expect(outcome).toMatchObject({ kind: "ok", text });
    // The old reader searched the whole buffer again for every chunk: ~1,000 × 0.5 MB here.
    // Every byte up to the end of [DONE]'s line, once (the final blank line is never looked at).
    expect(stats.scannedBytes).toBe(bytes.length - 1);
    expect(stats.copiedBytes).toBeGreaterThan(text.length);
    expect(stats.copiedBytes).toBeLessThanOrEqual(bytes.length);
  });

  it("examines each byte once for many small events in big chunks, copying only lines split between chunks", async () => {
    const pieces = Array.from({ length: 20_000 }, (_, i) => event({ choices: [{ text: `${i % 10}` }] }));
    const bytes = bytesOf(pieces.join("") + event("[DONE]"));
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
    const parser = new EventStreamParser(0);
    for (const chunk of chunks) parser.push(chunk);
    expect(parser.done).toBe(true);
    expect(parser.result().text).toHaveLength(20_000);
    expect(parser.stats.scannedBytes).toBe(bytes.length - 1);
    // At most one split line per chunk boundary is copied.
    expect(parser.stats.copiedBytes).toBeLessThan(chunks.length * 100);
  });
});
