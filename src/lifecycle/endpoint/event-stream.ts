// A linear parser of OpenAI-style server-sent event streams (completions and chat, with the usage
// chunk `stream_options.include_usage` adds). Every byte is scanned once, as it arrives: the parser
// looks for line ends only in the new bytes and keeps no more than the line being received, the
// answer's text pieces, a reasoning model's reasoning pieces (delta.reasoning_content or
// delta.reasoning), the finish reason and the last usage. (Appending each chunk to one string
// and searching it from the start made a single 8 MB event cost seconds of CPU.) Pure: no
// Cloudflare imports.
//
// Lines end in LF, CRLF or CR (the SSE grammar). Like the reader it replaces, each `data:` line is
// one JSON chunk or `[DONE]`; other lines (blank event separators, comments, `event:`, `id:`) are
// skipped. A malformed data line throws SyntaxError.

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

/** Where servers put a reasoning model's reasoning: vLLM, SGLang, DeepSeek; Ollama, OpenRouter, newer vLLM. */
export interface WireReasoning {
  reasoning_content?: unknown;
  reasoning?: unknown;
}

/** The reasoning of a message or delta: reasoning_content, else reasoning (servers that send both repeat it). */
export function reasoningOf(part: WireReasoning | null | undefined): string | null {
  const value = part?.reasoning_content ?? part?.reasoning;
  return typeof value === "string" && value !== "" ? value : null;
}

interface StreamChunk {
  choices?: Array<{ text?: string; delta?: ({ content?: string | null } & WireReasoning) | null; finish_reason?: string | null }>;
  usage?: WireUsage | null;
}

export interface EventStreamResult {
  text: string;
  /** The reasoning deltas joined, or null when there were none. */
  reasoning: string | null;
  finishReason: string | null;
  /** The last usage object of the stream, if any. */
  usage: WireUsage | null;
  /** Milliseconds from `started` to the first non-empty text or reasoning piece. */
  ttftMs: number | null;
}

/** What the parser touched, for tests of its linearity: bytes searched for line ends, bytes copied. */
export interface ScanStats {
  scannedBytes: number;
  copiedBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
const DATA = [0x64, 0x61, 0x74, 0x61, 0x3a]; // "data:"

function startsWithData(line: Uint8Array): boolean {
  if (line.length < DATA.length) return false;
  for (let i = 0; i < DATA.length; i++) if (line[i] !== DATA[i]) return false;
  return true;
}

/** The next LF or CR at or after `from` in `chunk`, or -1; `cursor` remembers the last hits so no byte is searched twice. */
function nextLineEnd(chunk: Uint8Array, from: number, cursor: { lf: number; cr: number }): number {
  if (cursor.lf !== -1 && cursor.lf < from) cursor.lf = chunk.indexOf(LF, from);
  if (cursor.cr !== -1 && cursor.cr < from) cursor.cr = chunk.indexOf(CR, from);
  if (cursor.lf === -1) return cursor.cr;
  if (cursor.cr === -1) return cursor.lf;
  return Math.min(cursor.lf, cursor.cr);
}

export class EventStreamParser {
  private readonly decoder = new TextDecoder();
  private readonly pieces: string[] = [];
  private readonly reasoningPieces: string[] = [];
  private finishReason: string | null = null;
  private usage: WireUsage | null = null;
  private ttftMs: number | null = null;
  /** Bytes of the line being received, split across chunks. */
  private partial: Uint8Array[] = [];
  private partialBytes = 0;
  /** The previous chunk ended in CR: an LF opening this one belongs to it (CRLF split in two). */
  private skipLf = false;
  private sawDone = false;
  private firstLine = true;

  constructor(
    private readonly started: number,
    private readonly now: () => number = Date.now,
    readonly stats: ScanStats = { scannedBytes: 0, copiedBytes: 0 },
  ) {}

  /** True once `[DONE]` was read; nothing after it is looked at. */
  get done(): boolean {
    return this.sawDone;
  }

  /** Takes the next bytes of the stream; false once `[DONE]` was read (the rest need not be read). */
  push(chunk: Uint8Array): boolean {
    let start = 0;
    if (this.skipLf && chunk.length > 0) {
      if (chunk[0] === LF) start = 1;
      this.skipLf = false;
    }
    // Start the cursors "behind" `start` so the first call searches from there.
    const cursor = { lf: -2, cr: -2 };
    while (start < chunk.length && !this.sawDone) {
      const end = nextLineEnd(chunk, start, cursor);
      if (end === -1) {
        this.stats.scannedBytes += chunk.length - start;
        this.partial.push(chunk.subarray(start));
        this.partialBytes += chunk.length - start;
        break;
      }
      this.stats.scannedBytes += end + 1 - start;
      this.line(this.completeLine(chunk.subarray(start, end)));
      start = end + 1;
      if (chunk[end] === CR) {
        if (start < chunk.length) start += chunk[start] === LF ? 1 : 0;
        else this.skipLf = true;
      }
    }
    return !this.sawDone;
  }

  /** The stream ended: an unterminated last line is read as if it were terminated. */
  finish(): void {
    if (this.sawDone || this.partialBytes === 0) return;
    this.line(this.completeLine(new Uint8Array(0)));
  }

  result(): EventStreamResult {
    const reasoning = this.reasoningPieces.length ? this.reasoningPieces.join("") : null;
    return { text: this.pieces.join(""), reasoning, finishReason: this.finishReason, usage: this.usage, ttftMs: this.ttftMs };
  }

  /** The held bytes of a line plus its last piece, copied once into one array (none when it arrived whole). */
  private completeLine(tail: Uint8Array): Uint8Array {
    if (this.partial.length === 0) return tail;
    const line = new Uint8Array(this.partialBytes + tail.length);
    let at = 0;
    for (const part of this.partial) {
      line.set(part, at);
      at += part.length;
    }
    line.set(tail, at);
    this.stats.copiedBytes += line.length;
    this.partial = [];
    this.partialBytes = 0;
    return line;
  }

  private line(bytes: Uint8Array): void {
    if (this.firstLine) {
      this.firstLine = false;
      // A byte-order mark before the first line is not part of it (SSE; the old reader's decoder dropped it too).
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (!startsWithData(bytes)) return;
    // A line holds whole UTF-8 characters (LF and CR never occur inside one), so it decodes alone.
    const data = this.decoder.decode(bytes.subarray(DATA.length)).trim();
    if (data === "[DONE]") {
      this.sawDone = true;
      return;
    }
    const chunk = JSON.parse(data) as StreamChunk;
    const choice = chunk.choices?.[0];
    const piece = choice?.text ?? choice?.delta?.content ?? "";
    const thought = reasoningOf(choice?.delta);
    if ((piece || thought) && this.ttftMs === null) this.ttftMs = this.now() - this.started;
    if (piece) this.pieces.push(piece);
    if (thought) this.reasoningPieces.push(thought);
    if (choice?.finish_reason) this.finishReason = choice.finish_reason;
    if (chunk.usage) this.usage = chunk.usage;
  }
}
