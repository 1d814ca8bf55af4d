// Byte streams for the endpoint-reading tests: fixed chunks, or an endless producer that records
// how much was pulled from it and whether it was cancelled.

const encoder = new TextEncoder();

export const bytesOf = (text: string) => encoder.encode(text);

export function streamOfBytes(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** `bytes` cut at the given offsets. */
export function splitAt(bytes: Uint8Array, ...cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts, bytes.length];
  return points.slice(1).map((end, i) => bytes.slice(points[i]!, end));
}

export interface Producer {
  stream: ReadableStream<Uint8Array>;
  /** Bytes handed to the reader so far. */
  pulled: number;
  cancelled: boolean;
}

/**
 * A source that sends `head`, then `fill` bytes (of "a") in chunks of `chunkBytes` until `totalBytes`
 * (endless when omitted): a hostile endpoint's one huge event or JSON string.
 */
export function producer(head: string, chunkBytes: number, totalBytes = Number.POSITIVE_INFINITY): Producer {
  const filler = new Uint8Array(chunkBytes).fill(0x61);
  let sentHead = false;
  const state: Producer = {
    pulled: 0,
    cancelled: false,
    stream: new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const chunk = sentHead ? filler : bytesOf(head);
          sentHead = true;
          if (state.pulled >= totalBytes) return controller.close();
          const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - state.pulled));
          state.pulled += piece.length;
          controller.enqueue(piece);
        },
        cancel() {
          state.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    ),
  };
  return state;
}
