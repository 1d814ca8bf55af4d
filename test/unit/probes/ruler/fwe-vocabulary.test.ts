// fwe's vocabulary is drawn, sorted and shuffled as numbers and spelled on demand
// (src/probes/ruler/fwe.ts); it must equal RULER's construction on the words themselves: draw
// 6-letter words until that many are distinct, sort them, shuffle, and make the top rank "...".
import { describe, expect, it } from "vitest";
import { LOWER, randomLetters, shuffle } from "../../../../src/probes/ruler/draws";
import { fweVocabulary, zipfCounts } from "../../../../src/probes/ruler/fwe";
import { streamOf, type SampleKey } from "../../../../src/probes/ruler/task";

/** RULER's construction, on strings (freq_words_extraction.py's generate_input_output). */
function wordsVocabulary(key: SampleKey, budget: number): { words: string[]; draws: number } {
  const size = Math.floor(budget / 50);
  const random = streamOf(key, "vocabulary");
  const words = new Set<string>();
  let draws = 0;
  for (; words.size < size; draws++) words.add(randomLetters(random, LOWER, 6));
  const vocab = shuffle([...words].sort(), streamOf(key, "vocabulary-order"));
  vocab[0] = "...";
  return { words: vocab, draws };
}

describe("fwe's vocabulary", () => {
  it("equals the construction on words, word for word, including vocabularies that drew a word twice", () => {
    let withRepeats = 0;
    for (let sample = 0; sample < 160; sample++) {
      const key: SampleKey = { seed: 3, task: "fwe", contextLength: 131072, sample };
      const budget = 131072 - 50;
      const expected = wordsVocabulary(key, budget);
      const vocab = fweVocabulary(key, budget);
      expect(vocab.size).toBe(expected.words.length);
      expect(Array.from({ length: vocab.size }, (_, rank) => vocab.word(rank))).toEqual(expected.words);
      if (expected.draws > vocab.size) withRepeats++;
    }
    expect(withRepeats).toBeGreaterThan(0); // the path for repeated draws was taken
  });

  it("counts each rank int(N · k^−2 / ζ(2)) times, up to the last rank that appears", () => {
    const counts = zipfCounts(2620, 60_000);
    const zeta2 = Math.PI ** 2 / 6;
    expect(counts.length).toBe(Math.floor(Math.sqrt(60_000 / zeta2)));
    counts.forEach((count, i) => expect(count).toBe(Math.trunc((60_000 * (i + 1) ** -2) / zeta2)));
  });
});
