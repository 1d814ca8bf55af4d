// SHA-256 digests as hex, with WebCrypto (workerd and Node alike).

export function hexOf(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 of a string's UTF-8 bytes (or of bytes), as 64 hex digits. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return hexOf(await crypto.subtle.digest("SHA-256", bytes));
}

/**
 * SHA-256 of a stream of chunks, fed as they arrive and never held whole: workerd's
 * crypto.DigestStream (a WritableStream that digests what is written to it).
 */
export class StreamingSha256 {
  private readonly stream = new crypto.DigestStream("SHA-256");
  private readonly writer = this.stream.getWriter();

  async update(chunk: Uint8Array): Promise<void> {
    await this.writer.write(chunk);
  }

  async hex(): Promise<string> {
    await this.writer.close();
    return hexOf(await this.stream.digest);
  }
}
