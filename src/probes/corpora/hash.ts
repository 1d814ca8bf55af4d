// Corpus versions are a synchronous hash: WebCrypto's SHA-256 (the only digest workerd offers
// without node: modules) is async, and a corpus must be loadable synchronously. FNV-1a is enough
// here: the version only has to change when the text does, it is not a security boundary.

/** 64-bit FNV-1a of the UTF-8 bytes of `text`, as 16 lower-case hex digits. */
export function fnv1a64Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  // The 64-bit state is kept as two 32-bit halves; the prime 0x100000001b3 = 2^40 + 0x1b3.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!;
    const loTimesLow = (lo >>> 0) * 0x1b3; // < 2^41, exact in a double
    const carry = Math.floor(loTimesLow / 0x1_0000_0000);
    hi = (Math.imul(hi, 0x1b3) + (lo << 8) + carry) >>> 0; // lo * 2^40 lands in hi as lo << 8
    lo = loTimesLow >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}
