// Reading what a user's server sends, never more than a cap of bytes. One isolate serves many
// tenants' probes at once (production isolates have 128 MB); an endpoint that answers 50 MB must
// cost us at most the cap, not the isolate. Pure: no Cloudflare imports.
import { envNumber } from "../../config";

/**
 * Default cap of a completion reply (JSON or event stream): 1 MiB. The longest answer we ask for is
 * 300 tokens (needle chat); streamed as OpenAI-style events (250–330 bytes each from vLLM and
 * OpenAI) that is ~100 KB, and a JSON reply is a few KB. 1 MiB leaves a 10× margin (a server that
 * echoed a 128K-token prompt, ~0.6 MB as JSON, would still fit), and every byte read costs: under
 * wrangler dev, reading six 2 MiB replies held other requests up for seconds, 64 KiB ones did not.
 */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

/**
 * Default cap of a tokenize answer: 16 MiB. A 128K run tokenizes 1 MiB characters of corpus with
 * pieces; measured on the built-in corpora (sotu / moby-dick): vLLM with token_strs 2.6 / 3.0 MiB
 * (the reference models' route), llama.cpp with_pieces 5.9 / 7.1 MiB, TGI's [{id, text, start,
 * stop}] 11.8 / 14.6 MiB. 16 MiB holds all of them; reading one that big peaks at ~40 MiB of heap,
 * so a larger default would let one tokenize call take a third of an isolate or more. A bigger
 * answer to the pieces request makes the run calibrate instead (it says why), not fail.
 */
export const DEFAULT_MAX_TOKENIZE_REPLY_BYTES = 16 * 1024 * 1024;

export interface ReplyCaps {
  maxReplyBytes: number;
  maxTokenizeReplyBytes: number;
}

/** The caps from the Worker's vars (wrangler.toml [vars]), defaults where unset. */
export function replyCaps(env: { MAX_REPLY_BYTES?: string; MAX_TOKENIZE_REPLY_BYTES?: string }): ReplyCaps {
  return {
    maxReplyBytes: envNumber(env.MAX_REPLY_BYTES, DEFAULT_MAX_REPLY_BYTES),
    maxTokenizeReplyBytes: envNumber(env.MAX_TOKENIZE_REPLY_BYTES, DEFAULT_MAX_TOKENIZE_REPLY_BYTES),
  };
}

/** How a bounded read ended: the body ended, the consumer had enough, or it passed the cap. */
export type PumpEnd = "ended" | "stopped" | "too_large";

async function cancelQuietly(reader: ReadableStreamDefaultReader<Uint8Array>, reason: string): Promise<void> {
  await reader.cancel(reason).catch(() => undefined);
}

/**
 * Reads `body` chunk by chunk into `onChunk` (which returns false when it has had enough), counting
 * bytes. Past `limit` bytes, when stopped, or when `onChunk` throws, the rest is cancelled
 * (reader.cancel()) rather than drained, so at most limit + one chunk is ever read. A read error
 * (the connection broke, the call timed out) is thrown.
 */
export async function pumpBounded(body: ReadableStream<Uint8Array>, limit: number, onChunk: (chunk: Uint8Array) => boolean): Promise<{ end: PumpEnd; bytes: number }> {
  const reader = body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { end: "ended", bytes };
      bytes += value.byteLength;
      if (bytes > limit) {
        await cancelQuietly(reader, `reply exceeded ${limit} bytes`);
        return { end: "too_large", bytes };
      }
      let more: boolean;
      try {
        more = onChunk(value);
      } catch (error) {
        await cancelQuietly(reader, "unreadable reply");
        throw error;
      }
      if (!more) {
        await cancelQuietly(reader, "reply read");
        return { end: "stopped", bytes };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** The Content-Length a response declares, when it declares one beyond `limit` (it is then not read at all). */
export function declaredBeyond(headers: Headers, limit: number): number | null {
  const declared = Number(headers.get("content-length") ?? "");
  return Number.isFinite(declared) && declared > limit ? declared : null;
}

export type BoundedText = { kind: "text"; text: string } | { kind: "too_large"; bytes: number; declared: boolean };

/**
 * The body as text, if it holds at most `limit` bytes (UTF-8, decoded as it arrives so the raw
 * chunks are not kept). Otherwise nothing of it: the body is cancelled past the cap, or at once
 * when its Content-Length already says it is larger.
 */
export async function readBoundedText(response: Response, limit: number): Promise<BoundedText> {
  const declared = declaredBeyond(response.headers, limit);
  if (declared !== null) {
    await response.body?.cancel("reply too large").catch(() => undefined);
    return { kind: "too_large", bytes: declared, declared: true };
  }
  if (!response.body) return { kind: "text", text: "" };
  const decoder = new TextDecoder();
  const parts: string[] = [];
  const { end, bytes } = await pumpBounded(response.body, limit, (chunk) => {
    parts.push(decoder.decode(chunk, { stream: true }));
    return true;
  });
  if (end === "too_large") return { kind: "too_large", bytes, declared: false };
  parts.push(decoder.decode());
  return { kind: "text", text: parts.join("") };
}

/** Why a reply was not read past the cap, for the probe's error (`setting` names the var that sets it). */
export function tooLargeDetail(read: { bytes: number; declared: boolean }, setting: string): string {
  const seen = read.declared ? `it declared ${read.bytes} bytes and was not read` : "reading stopped there";
  return `${seen} (${setting} in wrangler.toml sets the cap)`;
}
