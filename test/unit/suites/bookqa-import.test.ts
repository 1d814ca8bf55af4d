// The pieces of a streamed dataset import: incremental SHA-256, the JSON-lines splitter, and the
// InfiniteBench line parser.
import { describe, expect, it } from "vitest";
import { ndjsonLines, type NdjsonLine } from "../../../src/catalog/ndjson";
import { Sha256 } from "../../../src/catalog/sha256";
import { parseInfiniteBenchLine } from "../../../src/probes/suites/infinitebench";

async function subtleHex(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("hex");
}

function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe("Sha256 (incremental)", () => {
  it("equals crypto.subtle for every length around the block and padding boundaries", async () => {
    for (const length of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096]) {
      const bytes = pseudoRandomBytes(length, length + 1);
      expect(new Sha256().update(bytes).hex(), `length ${length}`).toBe(await subtleHex(bytes));
    }
  });

  it("does not depend on how the input is chunked", async () => {
    const bytes = pseudoRandomBytes(100_003, 7);
    const expected = await subtleHex(bytes);
    for (const chunk of [1, 7, 63, 64, 65, 1000, 65_536]) {
      const hash = new Sha256();
      for (let i = 0; i < bytes.length; i += chunk) hash.update(bytes.subarray(i, i + chunk));
      expect(hash.hex(), `chunks of ${chunk}`).toBe(expected);
    }
  });

  it("hashes UTF-8 text as WebCrypto does (known vector)", () => {
    expect(new Sha256().update(new TextEncoder().encode("abc")).hex()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("refuses use after digest", () => {
    const hash = new Sha256();
    hash.hex();
    expect(() => hash.update(new Uint8Array(1))).toThrow();
  });
});

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

describe("parseInfiniteBenchLine", () => {
  const qa = { id: 0, context: "The book.", input: "Who?", answer: ["Ahab"], options: [] };
  const mc = { id: 1, context: "The book.", input: "Who?", answer: ["Ahab"], options: ["Stubb", "Ahab", "Flask", "Pip"] };
  const parse = (value: unknown, task: "longbook_qa_eng" | "longbook_choice_eng") => parseInfiniteBenchLine(JSON.stringify(value), task);

  it("accepts InfiniteBench short-answer lines; ids become text; a lone answer string is a list of one", () => {
    expect(parse(qa, "longbook_qa_eng")).toEqual({ ok: true, question: { id: "0", context: "The book.", input: "Who?", answer: ["Ahab"], options: [] } });
    expect(parse({ ...qa, id: "q-7", answer: "Ahab", options: undefined }, "longbook_qa_eng")).toMatchObject({ ok: true, question: { id: "q-7", answer: ["Ahab"] } });
  });

  it("normalises multiple-choice answers to [text, letter] (get_answer): text, [text] or [text, letter]", () => {
    expect(parse(mc, "longbook_choice_eng")).toMatchObject({ ok: true, question: { answer: ["Ahab", "B"], options: mc.options } });
    expect(parse({ ...mc, answer: "Pip" }, "longbook_choice_eng")).toMatchObject({ ok: true, question: { answer: ["Pip", "D"] } });
    expect(parse({ ...mc, answer: ["Stubb", "A"] }, "longbook_choice_eng")).toMatchObject({ ok: true, question: { answer: ["Stubb", "A"] } });
  });

  it.each([
    ["{oops", "longbook_qa_eng", "not valid JSON"],
    ["[1]", "longbook_qa_eng", "must be a JSON object"],
    [JSON.stringify({ ...qa, id: 1.5 }), "longbook_qa_eng", "id: must be an integer"],
    [JSON.stringify({ ...qa, context: "" }), "longbook_qa_eng", "context: must be a non-empty string"],
    [JSON.stringify({ ...qa, input: 3 }), "longbook_qa_eng", "input: must be a non-empty string"],
    [JSON.stringify({ ...qa, answer: [] }), "longbook_qa_eng", "answer: must be a string or a non-empty array"],
    [JSON.stringify({ ...qa, answer: ["ok", ""] }), "longbook_qa_eng", "answer/1: must be a non-empty string"],
    [JSON.stringify({ ...qa, options: ["a", "b", "c", "d"] }), "longbook_qa_eng", "is this a longbook_choice_eng file?"],
    [JSON.stringify({ ...mc, options: ["a", "b", "c"] }), "longbook_choice_eng", "exactly 4"],
    [JSON.stringify({ ...mc, answer: ["Queequeg"] }), "longbook_choice_eng", "one of the four options"],
    [JSON.stringify({ ...mc, answer: ["Ahab", "E"] }), "longbook_choice_eng", 'answer/1: must be one of "A"'],
    [JSON.stringify({ ...mc, answer: ["Ahab", "C"] }), "longbook_choice_eng", 'option C is not "Ahab"'],
    [JSON.stringify({ ...mc, answer: ["Ahab", "B", "x"] }), "longbook_choice_eng", "answer: must be"],
  ] as const)("refuses %s (%s)", (line, task, detail) => {
    const verdict = parseInfiniteBenchLine(line, task);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.detail).toContain(detail);
  });
});
