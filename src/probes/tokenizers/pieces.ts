// A haystack from a tokenization done elsewhere (an inference server's tokenize route): the token
// ids plus each token's bytes give the token→character boundaries and sentence ends that the
// needle construction needs, without a local copy of the tokenizer. Pure TypeScript.
//
// Servers report pieces in three forms:
//  - decoded text per token (llama.cpp `with_pieces`, TGI's `text`), with llama.cpp sending a byte
//    array for a piece that is not valid UTF-8 on its own;
//  - vocabulary strings (vLLM `return_token_strs`, i.e. HF convert_ids_to_tokens): byte-level BPE
//    (GPT-2's byte→unicode map, "Ġ" for a space) or SentencePiece ("▁" for a space, "<0x0A>" byte
//    fallback). Which one is found by checking which decoding reproduces the text byte for byte.
import type { Haystack, HaystackTokenizer } from "../needle/haystack";

const utf8 = new TextEncoder();

// GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for U+0100 onwards.
let byteLevelMap: Map<number, number> | null = null;
function byteLevelDecoder(): Map<number, number> {
  if (byteLevelMap) return byteLevelMap;
  const map = new Map<number, number>();
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let extra = 0;
  for (let b = 0; b < 256; b++) map.set(printable(b) ? b : 256 + extra++, b);
  return (byteLevelMap = map);
}

/** Bytes of a byte-level BPE vocabulary string ("Ġworld" → " world"); null when it is not one. */
export function byteLevelPieceBytes(piece: string): Uint8Array | null {
  const map = byteLevelDecoder();
  const out = new Uint8Array(piece.length);
  let i = 0;
  for (const ch of piece) {
    const b = map.get(ch.codePointAt(0)!);
    if (b === undefined) return null;
    out[i++] = b;
  }
  return out.subarray(0, i);
}

/** Bytes of a SentencePiece vocabulary string ("▁world" → " world", "<0x0A>" → "\n"). */
export function sentencePiecePieceBytes(piece: string): Uint8Array {
  const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
  if (byte) return Uint8Array.of(parseInt(byte[1]!, 16));
  return utf8.encode(piece.replaceAll("\u2581", " "));
}

export type PieceForm = "text" | "vocab";

export class PieceAlignmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PieceAlignmentError";
  }
}

function concatLength(parts: readonly Uint8Array[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

/**
 * Makes the token bytes spell `textBytes` exactly: drops leading tokens with no bytes (a BOS a
 * server added anyway) and the single space a SentencePiece tokenizer prefixes to the input (its
 * "dummy prefix"), then checks byte equality. Returns the kept tokens' indices.
 */
function align(textBytes: Uint8Array, pieces: Uint8Array[]): { first: number; pieces: Uint8Array[] } | null {
  let first = 0;
  while (first < pieces.length && pieces[first]!.length === 0) first++;
  const kept = pieces.slice(first);
  if (kept.length && concatLength(kept) === textBytes.length + 1 && kept[0]![0] === 0x20 && textBytes[0] !== 0x20) {
    kept[0] = kept[0]!.subarray(1);
  }
  if (concatLength(kept) !== textBytes.length) return null;
  let offset = 0;
  for (const piece of kept) {
    for (let j = 0; j < piece.length; j++) if (piece[j] !== textBytes[offset + j]) return null;
    offset += piece.length;
  }
  return { first, pieces: kept };
}

/** Per-token bytes from a server's pieces, in whichever form reproduces `text`; throws PieceAlignmentError otherwise. */
export function tokenBytesOf(text: string, pieces: ReadonlyArray<string | number[]>, form: PieceForm): { first: number; bytes: Uint8Array[] } {
  const textBytes = utf8.encode(text);
  const candidates: Array<() => Uint8Array[] | null> =
    form === "text"
      ? [() => pieces.map((p) => (typeof p === "string" ? utf8.encode(p) : Uint8Array.from(p)))]
      : [
          () => {
            const out: Uint8Array[] = [];
            for (const p of pieces) {
              const b = typeof p === "string" ? byteLevelPieceBytes(p) : Uint8Array.from(p);
              if (!b) return null;
              out.push(b);
            }
            return out;
          },
          () => pieces.map((p) => (typeof p === "string" ? sentencePiecePieceBytes(p) : Uint8Array.from(p))),
        ];
  for (const candidate of candidates) {
    const bytes = candidate();
    if (!bytes) continue;
    const aligned = align(textBytes, bytes);
    if (aligned) return { first: aligned.first, bytes: aligned.pieces };
  }
  throw new PieceAlignmentError(`the endpoint's token pieces (${form}) do not spell the text it tokenized`);
}

const isSpaceByte = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** The sentence-end rule of isSentenceEndToken on bytes: optional whitespace, then one ".". */
export function isSentenceEndBytes(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x2e) return false;
  for (let j = 0; j < bytes.length - 1; j++) if (!isSpaceByte(bytes[j]!)) return false;
  return true;
}

/**
 * A Haystack over `text` from token ids and their bytes (already aligned with tokenBytesOf): token
 * boundaries inside a UTF-8 character get charStart -1, as for local byte-level tokenizers.
 */
export function haystackFromTokenBytes(args: { tokenizer: HaystackTokenizer; corpusVersion: string; text: string; ids: readonly number[]; bytes: readonly Uint8Array[] }): Haystack {
  const { text, ids, bytes } = args;
  if (ids.length !== bytes.length) throw new PieceAlignmentError(`${ids.length} ids but ${bytes.length} pieces`);
  // UTF-8 offset → UTF-16 index, at character starts only.
  const byteLength = utf8.encode(text).length;
  const charAt = new Int32Array(byteLength + 1).fill(-1);
  let b = 0;
  for (let i = 0; i < text.length; ) {
    charAt[b] = i;
    const cp = text.codePointAt(i)!;
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  charAt[byteLength] = text.length;
  const n = ids.length;
  const charStart = new Int32Array(n + 1);
  const sentenceEnd = new Uint8Array(n);
  let offset = 0;
  for (let k = 0; k < n; k++) {
    charStart[k] = charAt[offset]!;
    sentenceEnd[k] = isSentenceEndBytes(bytes[k]!) ? 1 : 0;
    offset += bytes[k]!.length;
  }
  if (offset !== byteLength) throw new PieceAlignmentError(`pieces cover ${offset} of ${byteLength} bytes`);
  charStart[n] = text.length;
  return { tokenizer: args.tokenizer, corpusVersion: args.corpusVersion, text, ids: [...ids], charStart, sentenceEnd };
}
