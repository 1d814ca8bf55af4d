// The calibration prompts' counts are computed, not encoded whole: they must equal a full encode
// in every local tokenizer, at the lengths window discovery asks for.
import { describe, expect, it } from "vitest";
import { RepeatedTextCounter, repeatedText } from "../../../src/lifecycle/calibration";
import { loadTokenizer, TOKENIZER_NAMES } from "../../../src/probes/tokenizers";

describe("RepeatedTextCounter", () => {
  for (const name of TOKENIZER_NAMES) {
    it(`counts repeated calibration text exactly in ${name}`, async () => {
      const counter = await RepeatedTextCounter.of(name);
      const tokenizer = await loadTokenizer(name);
      for (const repeats of [1, 2, 3, 8, 37]) expect(counter.count(repeats)).toBe(tokenizer.encode(repeatedText(repeats)).length);
      const repeats = counter.repeatsFor(2048);
      expect(counter.count(repeats)).toBeLessThanOrEqual(2048);
      expect(counter.count(repeats + 1)).toBeGreaterThan(2048);
    }, 30_000);
  }
});
