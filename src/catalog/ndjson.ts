// Splits a streamed JSON-lines body into lines without ever holding more than one line in memory.
// Every byte read is handed to `onBytes` first (the caller hashes the file as it streams past).

export type NdjsonLine =
  | { number: number; text: string }
  /** The line is not valid UTF-8, or is longer than `maxLineBytes` (its bytes were skipped). */
  | { number: number; problem: string };

const NEWLINE = 0x0a;

export interface NdjsonOptions {
  /** Sees every chunk before its lines are yielded (awaited: a streaming hash may apply backpressure). */
  onBytes?: (chunk: Uint8Array) => unknown;
  maxLineBytes?: number;
}

/**
 * Yields lines numbered from 1, without their "\n" or "\r\n". A UTF-8 byte-order mark at the start
 * is dropped. Blank lines are yielded too (callers skip them) so that numbers match the file.
 */
export async function* ndjsonLines(stream: ReadableStream<Uint8Array>, options: NdjsonOptions = {}): AsyncGenerator<NdjsonLine> {
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const reader = stream.getReader();
  let pieces: Uint8Array[] = [];
  let pieceBytes = 0;
  let oversized = false; // dropping the rest of a line that is too long
  let number = 0;

  const finishLine = (): NdjsonLine => {
    number++;
    if (oversized) {
      oversized = false;
      pieces = [];
      pieceBytes = 0;
      return { number, problem: `line is longer than ${maxLineBytes} bytes` };
    }
    let bytes = concat(pieces, pieceBytes);
    pieces = [];
    pieceBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    // A fresh decode per line; ignoreBOM=false drops a leading byte-order mark (files may start with one).
    try {
      return { number, text: decoder.decode(bytes) };
    } catch {
      return { number, problem: "line is not valid UTF-8" };
    }
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await options.onBytes?.(value);
      let start = 0;
      for (let end = value.indexOf(NEWLINE); end !== -1; end = value.indexOf(NEWLINE, start)) {
        keep(value.subarray(start, end));
        yield finishLine();
        start = end + 1;
      }
      if (start < value.length) keep(value.subarray(start));
    }
    if (pieceBytes > 0 || oversized) yield finishLine();
  } finally {
    reader.releaseLock();
  }

  function keep(part: Uint8Array): void {
    if (oversized || part.length === 0) return;
    if (pieceBytes + part.length > maxLineBytes) {
      oversized = true;
      pieces = [];
      pieceBytes = 0;
      return;
    }
    // Copy: a stream may reuse its chunk buffers once we read on.
    pieces.push(part.slice());
    pieceBytes += part.length;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
