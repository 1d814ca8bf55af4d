// The streaming SHA-256 of dataset uploads (src/common/hash.ts: workerd's crypto.DigestStream) gives
// what WebCrypto gives for the whole buffer, however the bytes are chunked.
import { describe, expect, it } from "vitest";
import { hexOf, StreamingSha256 } from "../../src/common/hash";

async function subtleHex(bytes: Uint8Array): Promise<string> {
  return hexOf(await crypto.subtle.digest("SHA-256", bytes));
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

async function streamed(chunks: Uint8Array[]): Promise<string> {
  const hash = new StreamingSha256();
  for (const chunk of chunks) await hash.update(chunk);
  return hash.hex();
}

describe("StreamingSha256", () => {
  it("equals crypto.subtle for every length around the block and padding boundaries", async () => {
    for (const length of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096]) {
      const bytes = pseudoRandomBytes(length, length + 1);
      expect(await streamed([bytes]), `length ${length}`).toBe(await subtleHex(bytes));
    }
  });

  it("does not depend on how the input is chunked", async () => {
    const bytes = pseudoRandomBytes(100_003, 7);
    const expected = await subtleHex(bytes);
    for (const chunk of [1, 7, 63, 64, 65, 1000, 65_536]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
      expect(await streamed(chunks), `chunks of ${chunk}`).toBe(expected);
    }
  });

  it("hashes UTF-8 text as WebCrypto does (known vector)", async () => {
    expect(await streamed([new TextEncoder().encode("abc")])).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("refuses use after digest", async () => {
    const hash = new StreamingSha256();
    await hash.hex();
    await expect(hash.update(new Uint8Array(1))).rejects.toThrow();
  });
});
