// Lexical text processing shared by the extractive reference reader and the needle-set validator: sentences and scoring terms.

// Small English stop-word list: function words (and question words) that carry no topic.
const STOP_WORDS = new Set(
  (
    "a an the and or but nor not no so if then than too very of to in on at by for with from as into " +
    "onto about over under up down out off " +
    "is are was were be been being am do does did doing done has have had having " +
    "will would shall should can could may might must " +
    "i me my mine we us our you your he him his she her it its they them their " +
    "this that these those there here what which who whom whose when where why how " +
    "s t d ll re ve m"
  ).split(" "),
);

const WORD_PATTERN = /[\p{L}\p{N}]+/gu;

/** Lowercased alphanumeric words of `text` (split on everything else). */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD_PATTERN) ?? [];
}

/** Words that count for lexical matching: `words(text)` without stop words. */
export function scoringTerms(text: string): string[] {
  return words(text).filter((word) => !STOP_WORDS.has(word));
}

// A sentence ends at . ! or ? (optionally followed by closing quotes/brackets) before whitespace,
// or at a newline.
const SENTENCE_END = /[.!?]["'\u201d\u2019)\]]*(?=\s)|\n/g;

/** Sentences of `text`: split after .!? followed by whitespace and on newlines; trimmed, non-empty. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    pushTrimmed(sentences, text.slice(start, end));
    start = end;
  }
  pushTrimmed(sentences, text.slice(start));
  return sentences;
}

function pushTrimmed(sentences: string[], piece: string): void {
  const sentence = piece.trim();
  if (sentence) sentences.push(sentence);
}
