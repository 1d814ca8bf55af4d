// The boundary cache: a haystack's tokenization (ids, token→character boundaries, sentence-end
// flags) in a compact binary form, so a fresh isolate loads it from storage instead of tokenizing
// the corpus again (llama2 takes seconds for a 128K-token haystack; an endpoint tokenizer costs a
// large request to the user's server). Storage is injected (`BoundaryStore`): R2 in the Worker
// (src/catalog/boundary-store.ts), nothing or a Map in Node. Pure TypeScript, no Cloudflare imports.
//
// Format (little-endian), version 1:
//   "CTXB" | u8 version | u32 tokens n | u32 text length (UTF-16 units) covered by the tokens
//   | u16 key length + UTF-8 key (tokenizer \0 corpus version: checked on load)
//   | n × LEB128 id
//   | n × LEB128 boundary delta: for token k+1's start, 0 when it falls inside a character (-1 in
//     charStart), else its distance in characters from the previous valid start (always ≥ 1)
//   | ceil(n / 8) bytes sentence-end bitset (bit k & 7 of byte k >> 3)
// The corpus text itself is not stored: the corpus (pinned by version) provides it. A 128K-token
// haystack takes ~0.4 MB (vs ~1.5 MB as 32-bit arrays).
import type { Corpus } from "../types";
import type { Haystack, HaystackTokenizer } from "./haystack";

export interface BoundaryStore {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

const MAGIC = [0x43, 0x54, 0x58, 0x42]; // "CTXB"
export const BOUNDARY_FORMAT_VERSION = 1;

/** The storage key of a haystack: corpus version and tokenizer (an endpoint's is `endpoint-<fingerprint>`). */
export function boundaryCacheKey(tokenizer: string, corpusVersion: string, textLength: number): string {
  return `boundaries/v${BOUNDARY_FORMAT_VERSION}/${encodeURIComponent(corpusVersion)}/${encodeURIComponent(tokenizer)}/${textLength}.bin`;
}

class Writer {
  private buffer = new Uint8Array(1 << 16);
  length = 0;
  private ensure(extra: number) {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
  u8(v: number) {
    this.ensure(1);
    this.buffer[this.length++] = v;
  }
  u16(v: number) {
    this.u8(v & 0xff);
    this.u8((v >>> 8) & 0xff);
  }
  u32(v: number) {
    this.u16(v & 0xffff);
    this.u16((v >>> 16) & 0xffff);
  }
  varint(v: number) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`cannot encode ${v}`);
    this.ensure(5);
    while (v >= 0x80) {
      this.buffer[this.length++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buffer[this.length++] = v;
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }
  done(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  private need(n: number) {
    if (this.offset + n > this.bytes.length) throw new BoundaryFormatError("truncated");
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }
  u16(): number {
    return this.u8() | (this.u8() << 8);
  }
  u32(): number {
    return (this.u16() + this.u16() * 0x10000) >>> 0;
  }
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new BoundaryFormatError("varint too long");
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

export class BoundaryFormatError extends Error {
  constructor(detail: string) {
    super(`boundary cache entry is not valid: ${detail}`);
    this.name = "BoundaryFormatError";
  }
}

const keyOf = (h: Pick<Haystack, "tokenizer" | "corpusVersion">) => `${h.tokenizer}\u0000${h.corpusVersion}`;

/** The binary form of a haystack (its text excluded). */
export function encodeHaystack(haystack: Haystack): Uint8Array {
  const { ids, charStart, sentenceEnd } = haystack;
  const n = ids.length;
  const w = new Writer();
  for (const b of MAGIC) w.u8(b);
  w.u8(BOUNDARY_FORMAT_VERSION);
  w.u32(n);
  w.u32(charStart[n]!);
  const key = new TextEncoder().encode(keyOf(haystack));
  w.u16(key.length);
  w.bytes(key);
  for (let k = 0; k < n; k++) w.varint(ids[k]!);
  let previous = 0;
  for (let k = 1; k <= n; k++) {
    const start = charStart[k]!;
    if (start < 0) w.varint(0);
    else {
      w.varint(start - previous);
      previous = start;
    }
  }
  const bits = new Uint8Array((n + 7) >> 3);
  for (let k = 0; k < n; k++) if (sentenceEnd[k]) bits[k >> 3]! |= 1 << (k & 7);
  w.bytes(bits);
  return w.done();
}

/**
 * A haystack from its binary form and the corpus it was made from. Throws BoundaryFormatError when
 * the bytes are damaged or belong to another tokenizer, corpus version or text length.
 */
export function decodeHaystack(bytes: Uint8Array, expect: { tokenizer: HaystackTokenizer; corpus: Corpus; textLength?: number }): Haystack {
  const r = new Reader(bytes);
  for (const b of MAGIC) if (r.u8() !== b) throw new BoundaryFormatError("bad magic");
  const version = r.u8();
  if (version !== BOUNDARY_FORMAT_VERSION) throw new BoundaryFormatError(`format version ${version}`);
  const n = r.u32();
  const covered = r.u32();
  const key = new TextDecoder().decode(r.take(r.u16()));
  if (key !== keyOf({ tokenizer: expect.tokenizer, corpusVersion: expect.corpus.version })) throw new BoundaryFormatError(`entry is for ${JSON.stringify(key)}`);
  const textLength = expect.textLength ?? expect.corpus.text.length;
  if (covered !== textLength || textLength > expect.corpus.text.length) throw new BoundaryFormatError(`entry covers ${covered} characters, expected ${textLength}`);
  const ids = new Array<number>(n);
  for (let k = 0; k < n; k++) ids[k] = r.varint();
  const charStart = new Int32Array(n + 1);
  let previous = 0;
  for (let k = 1; k <= n; k++) {
    const delta = r.varint();
    if (delta === 0) charStart[k] = -1;
    else charStart[k] = previous += delta;
  }
  if (charStart[n] !== covered) throw new BoundaryFormatError("boundaries do not add up to the text length");
  const bits = r.take((n + 7) >> 3);
  const sentenceEnd = new Uint8Array(n);
  for (let k = 0; k < n; k++) sentenceEnd[k] = (bits[k >> 3]! >> (k & 7)) & 1;
  if (r.offset !== bytes.length) throw new BoundaryFormatError("trailing bytes");
  const text = textLength === expect.corpus.text.length ? expect.corpus.text : expect.corpus.text.slice(0, textLength);
  return { tokenizer: expect.tokenizer, corpusVersion: expect.corpus.version, text, ids, charStart, sentenceEnd };
}

// ---- loading through memory, then storage, then tokenizing ----

// Per isolate, least recently used first, within a byte budget: a 128K-token haystack holds ~1.2 MB
// of arrays, one per (tokenizer, corpus, length) met, and the isolate has 128 MB. Dropping an entry
// is always safe (callers keep the Haystack they were given); the next load reads the store again.
export const HAYSTACK_MEMORY_BUDGET_BYTES = 4 * 1024 * 1024;
const memory = new Map<string, { haystack: Haystack; bytes: number }>();
let memoryBytes = 0;
const pending = new Map<string, Promise<Haystack>>();

/** Heap held by a haystack's arrays (ids counted at 8 bytes, V8's size without pointer compression). */
export function haystackBytes(h: Haystack): number {
  return h.ids.length * 8 + h.charStart.byteLength + h.sentenceEnd.byteLength;
}

function remember(key: string, haystack: Haystack): void {
  const bytes = haystackBytes(haystack);
  forget(key);
  memory.set(key, { haystack, bytes });
  memoryBytes += bytes;
  for (const oldest of memory.keys()) {
    if (memoryBytes <= HAYSTACK_MEMORY_BUDGET_BYTES || oldest === key) break; // the newest always stays
    forget(oldest);
  }
}

function forget(key: string): void {
  const entry = memory.get(key);
  if (!entry) return;
  memory.delete(key);
  memoryBytes -= entry.bytes;
}

function recall(key: string): Haystack | undefined {
  const entry = memory.get(key);
  if (entry) remember(key, entry.haystack); // now the most recently used
  return entry?.haystack;
}

export interface LoadHaystackOptions {
  /** The tokenizer's cache identity: a local tokenizer's name, or `endpoint-<fingerprint>`. */
  tokenizer: HaystackTokenizer;
  corpus: Corpus;
  /** Characters of the corpus the haystack covers (default: all of it). */
  textLength?: number;
  /** Tokenizes the covered text when neither memory nor storage has it. */
  tokenize: () => Haystack | Promise<Haystack>;
  /** Persistent storage; without it only the isolate's memory caches. */
  store?: BoundaryStore | null;
}

export type HaystackSource = "memory" | "store" | "tokenized";

/**
 * The haystack for (tokenizer, corpus version, covered length): from this isolate's memory, else
 * from the store (a fresh isolate), else tokenized and written to the store. A damaged or
 * unreadable store entry is tokenized again and overwritten; a store that fails to write is
 * logged, never fatal (the haystack is still correct, only not persisted).
 */
export async function loadHaystack(options: LoadHaystackOptions): Promise<{ haystack: Haystack; source: HaystackSource }> {
  const textLength = options.textLength ?? options.corpus.text.length;
  const key = boundaryCacheKey(options.tokenizer, options.corpus.version, textLength);
  const cached = recall(key);
  if (cached) return { haystack: cached, source: "memory" };
  let inFlight = pending.get(key);
  let source: HaystackSource = "memory";
  if (!inFlight) {
    inFlight = (async () => {
      if (options.store) {
        try {
          const bytes = await options.store.get(key);
          if (bytes) {
            const haystack = decodeHaystack(bytes, { tokenizer: options.tokenizer, corpus: options.corpus, textLength });
            source = "store";
            return haystack;
          }
        } catch (error) {
          console.error(JSON.stringify({ event: "boundary_cache.read_error", key, error: String(error) }));
        }
      }
      const haystack = await options.tokenize();
      source = "tokenized";
      if (haystack.charStart[haystack.ids.length] !== textLength) throw new Error(`tokenized haystack covers ${haystack.charStart[haystack.ids.length]} characters, expected ${textLength}`);
      if (options.store) {
        try {
          await options.store.put(key, encodeHaystack(haystack));
        } catch (error) {
          console.error(JSON.stringify({ event: "boundary_cache.write_error", key, error: String(error) }));
        }
      }
      return haystack;
    })();
    pending.set(key, inFlight);
    try {
      const haystack = await inFlight;
      remember(key, haystack);
      return { haystack, source };
    } finally {
      pending.delete(key);
    }
  }
  return { haystack: await inFlight, source: "memory" };
}

/** Whether this isolate holds the haystack in memory. */
export function isHaystackInMemory(tokenizer: string, corpusVersion: string, textLength: number): boolean {
  return memory.has(boundaryCacheKey(tokenizer, corpusVersion, textLength));
}

/** Forgets every haystack this isolate loaded (tests and benchmarks: simulates a fresh isolate). */
export function clearLoadedHaystacks(): void {
  memory.clear();
  memoryBytes = 0;
}
