// ByteLevelBpe finds pre-tokens with an anchored copy of its split regex and falls back to a global
// search where the regex skips text or matches empty. LLaMA-3's regex never does either, so the
// fallback is checked here with contrived regexes on a toy vocabulary: the ids must be those of the
// segments matchAll gives (with the text it skips kept, as llama3-tokenizer-js keeps it), each merged.
import { describe, expect, it } from "vitest";
import { binaryOf, ByteLevelBpe, mergeByRank } from "../../../../src/probes/tokenizers/byte-bpe";
import { seededRandom } from "../../../../src/probes/random";

// Every byte, then merges that would cross a pre-token boundary if segmentation were wrong.
const TOKENS = [...Array.from({ length: 256 }, (_, b) => String.fromCharCode(b)), "ab", "b1", "12", "x ", "  ", "a ", binaryOf("😀")];
const rankOf = (bytes: string) => {
  const id = TOKENS.indexOf(bytes);
  return id < 0 ? undefined : id;
};

function referenceSegments(text: string, split: RegExp): string[] {
  const out: string[] = [];
  let end = 0;
  for (const match of text.matchAll(new RegExp(split.source, split.flags))) { // a fresh lastIndex
    if (match.index > end) out.push(text.slice(end, match.index));
    if (match[0].length) out.push(match[0]);
    end = match.index + match[0].length;
  }
  if (end < text.length) out.push(text.slice(end));
  return out;
}

const referenceIds = (text: string, split: RegExp) =>
  referenceSegments(text, split).flatMap((segment) => {
    const bytes = binaryOf(segment);
    const whole = rankOf(bytes);
    return whole !== undefined ? [whole] : mergeByRank(bytes, rankOf);
  });

const ALPHABET = ["a", "b", "1", "2", "x", " ", "😀", "é"];

function randomText(random: () => number): string {
  const length = Math.floor(random() * 24);
  return Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]!).join("");
}

describe("ByteLevelBpe pre-tokens where the regex skips text or matches empty", () => {
  const regexes = [/\d+/g, /[a-z]+|(?=x)/g, /a|b?/g, /(?:)/gu, /\s+|\p{L}+/gu, /1?/gu];
  for (const split of regexes) {
    it(`${split}: the ids of matchAll's segments, skipped text kept`, () => {
      const bpe = new ByteLevelBpe(TOKENS, TOKENS.length, split);
      const random = seededRandom("byte-bpe-split", split.source);
      for (const text of ["", "ab12ab", "x x  x", "😀😀a😀", "b1b1", ...Array.from({ length: 400 }, () => randomText(random))]) {
        expect(bpe.encode(text), JSON.stringify(text)).toEqual(referenceIds(text, split));
        // Without the u flag an empty match can fall between the halves of an emoji (as in matchAll).
        if (split.unicode) expect(bpe.decode(bpe.encode(text))).toBe(text);
      }
    });
  }
});
