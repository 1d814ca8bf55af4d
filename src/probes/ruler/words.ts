// Word lists. RULER draws niah keys as "adjective-noun" from the `wonderwords` lists and cwe words
// from wonderwords' nouns, adjectives and verbs (then from an 8.5 MB English list past their size);
// neither ships in npm. Ours, never downloaded at run time:
// - keys: every adjective × noun of `random-word-slugs` (302 × 327 = 98,754 "adjective-noun" keys);
// - cwe: the distinct lower-case words of our public-domain corpora (sotu and Moby-Dick), 3–14
//   letters, without the 100 most frequent (articles and other function words, which no
//   noun/adjective/verb list holds), sorted — about 20,000, enough for 128K in every tokenizer.
// Each list's version (a hash of its words) is recorded in the recipe, so a changed list cannot
// silently change a rebuilt prompt.
import { wordList } from "random-word-slugs/dist/words";
import { builtinCorpus, loadBuiltinCorpus } from "../corpora";
import { fnv1a64Hex } from "../corpora/hash";

const sortedUnique = (words: readonly string[]) => [...new Set(words)].sort();

export const KEY_ADJECTIVES: readonly string[] = sortedUnique(wordList.adjective.map((w) => w.word));
export const KEY_NOUNS: readonly string[] = sortedUnique(wordList.noun.map((w) => w.word));

/** The i-th "adjective-noun" key, 0 ≤ i < KEY_COUNT (RULER: sorted(set(f"{adj}-{noun}"))[i]). */
export function keyWord(i: number): string {
  return `${KEY_ADJECTIVES[Math.floor(i / KEY_NOUNS.length)]!}-${KEY_NOUNS[i % KEY_NOUNS.length]!}`;
}
export const KEY_COUNT = KEY_ADJECTIVES.length * KEY_NOUNS.length;

const FUNCTION_WORDS_DROPPED = 100;

export interface WordPool {
  words: readonly string[];
  /** " " + each word: the same string objects every time, so the token counter's memos hit. */
  spaced: readonly string[];
  version: string;
}

let pool: WordPool | null = null;

const POOL_CORPORA = ["sotu", "moby-dick"] as const;

/** Loads the corpora the cwe word pool is made of; then cweWordPool() answers. */
export async function prepareCweWordPool(): Promise<WordPool> {
  await Promise.all(POOL_CORPORA.map(loadBuiltinCorpus));
  return cweWordPool();
}

/** The cwe word pool, built once per isolate from the built-in corpora (after prepareCweWordPool). */
export function cweWordPool(): WordPool {
  if (!pool) {
    const counts = new Map<string, number>();
    for (const id of POOL_CORPORA) {
      for (const word of builtinCorpus(id).text.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    const frequent = new Set([...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FUNCTION_WORDS_DROPPED).map(([w]) => w));
    const words = [...counts.keys()].filter((w) => w.length >= 3 && w.length <= 14 && !frequent.has(w)).sort();
    pool = { words, spaced: words.map((w) => " " + w), version: fnv1a64Hex(words.join("\n")) };
  }
  return pool;
}

export const KEY_WORDS_VERSION = fnv1a64Hex(`${KEY_ADJECTIVES.join(",")}|${KEY_NOUNS.join(",")}`);
