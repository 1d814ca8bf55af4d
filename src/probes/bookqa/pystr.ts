// Python string semantics the reference scorers rely on. JavaScript's `\s` / `trim()` disagree with
// Python's str.split() / str.strip() on a few code points (U+001C–U+001F, U+0085, U+FEFF), so the
// scorers use these helpers to stay bit-for-bit faithful to InfiniteBench and the paper's repo.

/** Code points for which Python's str.isspace() is true (what split()/strip() without arguments use). */
const PY_WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Python's `string.punctuation`. */
export const PY_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

export function isPyWhitespace(char: string): boolean {
  return char.length > 0 && PY_WHITESPACE.has(char.codePointAt(0)!);
}

/** Python `s.split()`: runs of whitespace separate tokens; never yields empty strings. */
export function pySplit(text: string): string[] {
  const tokens: string[] = [];
  let current = "";
  for (const char of text) {
    if (PY_WHITESPACE.has(char.codePointAt(0)!)) {
      if (current) tokens.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

/** Python `s.strip()` without arguments. */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  // All Python whitespace code points are in the BMP, so UTF-16 indexing is safe here.
  while (start < end && PY_WHITESPACE.has(text.charCodeAt(start))) start++;
  while (end > start && PY_WHITESPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** First code point of `text` (Python `s[0]`), or "" for the empty string. */
export function firstCodePoint(text: string): string {
  const code = text.codePointAt(0);
  return code === undefined ? "" : String.fromCodePoint(code);
}
