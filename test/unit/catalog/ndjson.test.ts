// The JSON-lines splitter of streamed dataset imports (its streaming SHA-256 is workerd's crypto.DigestStream: test/worker/streaming-hash.test.ts).
import { describe, expect, it } from "vitest";
import { ndjsonLines, type NdjsonLine } from "../../../src/catalog/ndjson";

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoded = chunks.map((c) => (typeof c === "string" ? new TextEncoder().encode(c) : c));
  return new ReadableStream({
    pull(controller) {
      const next = encoded.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>, maxLineBytes?: number): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  for await (const line of ndjsonLines(stream, { maxLineBytes })) out.push(line);
  return out;
}

describe("ndjsonLines", () => {
  it("splits across chunk boundaries, numbers every line (blank ones too) and drops CR and a BOM", async () => {
    const lines = await collect(streamOf(["\uFEFF{\"a\"", ":1}\r\n\n{\"b\":", "2}\n{\"c\":3}"]));
    expect(lines).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 2, text: "" },
      { number: 3, text: '{"b":2}' },
      { number: 4, text: '{"c":3}' },
    ]);
  });

  it("keeps multi-byte characters split between chunks", async () => {
    const bytes = new TextEncoder().encode("Ahab → Ǻ 😀\n");
    const lines = await collect(streamOf(Array.from(bytes, (b) => new Uint8Array([b]))));
    expect(lines).toEqual([{ number: 1, text: "Ahab → Ǻ 😀" }]);
  });

  it("reports invalid UTF-8 and over-long lines by number and carries on", async () => {
    const lines = await collect(streamOf([new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]), "x".repeat(50), "y".repeat(50), "\nok\n"]), 64);
    expect(lines).toEqual([
      { number: 1, problem: "line is not valid UTF-8" },
      { number: 2, problem: "line is longer than 64 bytes" },
      { number: 3, text: "ok" },
    ]);
  });

  it("hands every byte to onBytes", async () => {
    let seen = 0;
    for await (const _ of ndjsonLines(streamOf(["ab\n", "cd"]), { onBytes: (chunk) => (seen += chunk.length) })) void _;
    expect(seen).toBe(5);
  });
});
