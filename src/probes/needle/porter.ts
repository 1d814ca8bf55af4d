// Porter stemmer as NLTK's PorterStemmer() runs it by default (mode NLTK_EXTENSIONS), which is what
// google's rouge_score uses with use_stemmer=True. Input: one lower-case word of [a-z0-9].
// Written from the published algorithm (Porter 1980) plus NLTK's documented departures.

const IRREGULAR = new Map<string, string>([
  ["sky", "sky"], ["skies", "sky"], ["dying", "die"], ["lying", "lie"], ["tying", "tie"], ["news", "news"],
  ["innings", "inning"], ["inning", "inning"], ["outings", "outing"], ["outing", "outing"],
  ["cannings", "canning"], ["canning", "canning"], ["howe", "howe"],
  ["proceed", "proceed"], ["exceed", "exceed"], ["succeed", "succeed"],
]);

function isConsonant(word: string, i: number): boolean {
  const ch = word[i];
  if (ch === "a" || ch === "e" || ch === "i" || ch === "o" || ch === "u") return false;
  if (ch === "y") return i === 0 ? true : !isConsonant(word, i - 1);
  return true;
}

/** m in [C](VC)^m[V]: the number of vowel-consonant sequences. */
function measure(stem: string): number {
  let m = 0;
  for (let i = 1; i < stem.length; i++) if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) m++;
  return m;
}

function containsVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

function endsDoubleConsonant(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** *o: ends consonant-vowel-consonant, last not w/x/y; NLTK also accepts a 2-letter vowel-consonant word. */
function endsCvc(word: string): boolean {
  const n = word.length;
  if (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)) {
    return !"wxy".includes(word[n - 1]!);
  }
  return n === 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

type Rule = readonly [suffix: string, replacement: string, condition?: (stem: string) => boolean];

/** The first rule whose suffix matches decides: applied if its condition holds, else nothing. */
function applyFirstMatching(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, word.length - suffix.length);
    return !condition || condition(stem) ? stem + replacement : word;
  }
  return word;
}

const positive = (stem: string) => measure(stem) > 0;
const aboveOne = (stem: string) => measure(stem) > 1;

function step1a(word: string): string {
  if (word.endsWith("ies") && word.length === 4) return word.slice(0, -1); // ties -> tie (NLTK)
  return applyFirstMatching(word, [["sses", "ss"], ["ies", "i"], ["ss", "ss"], ["s", ""]]);
}

function step1b(word: string): string {
  if (word.endsWith("ied")) return word.length === 4 ? word.slice(0, -1) : word.slice(0, -2); // NLTK
  if (word.endsWith("eed")) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? stem + "ee" : word;
  }
  let stem: string | undefined;
  for (const suffix of ["ed", "ing"]) {
    if (word.endsWith(suffix) && containsVowel(word.slice(0, -suffix.length))) {
      stem = word.slice(0, -suffix.length);
      break;
    }
  }
  if (stem === undefined) return word;
  if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) return stem + "e";
  if (endsDoubleConsonant(stem)) return "lsz".includes(stem[stem.length - 1]!) ? stem : stem.slice(0, -1);
  if (measure(stem) === 1 && endsCvc(stem)) return stem + "e";
  return stem;
}

function step1c(word: string): string {
  // NLTK: y -> i only after a consonant that is not the word's first letter (happy -> happi, enjoy stays).
  return applyFirstMatching(word, [["y", "i", (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]]);
}

function step2(word: string): string {
  if (word.endsWith("alli") && positive(word.slice(0, -4))) return step2(word.slice(0, -4) + "al"); // NLTK
  return applyFirstMatching(word, [
    ["ational", "ate", positive], ["tional", "tion", positive], ["enci", "ence", positive],
    ["anci", "ance", positive], ["izer", "ize", positive], ["bli", "ble", positive],
    ["alli", "al", positive], ["entli", "ent", positive], ["eli", "e", positive],
    ["ousli", "ous", positive], ["ization", "ize", positive], ["ation", "ate", positive],
    ["ator", "ate", positive], ["alism", "al", positive], ["iveness", "ive", positive],
    ["fulness", "ful", positive], ["ousness", "ous", positive], ["aliti", "al", positive],
    ["iviti", "ive", positive], ["biliti", "ble", positive], ["fulli", "ful", positive],
    ["logi", "log", () => positive(word.slice(0, -3))], // the "l" counts with the stem (NLTK)
  ]);
}

function step3(word: string): string {
  return applyFirstMatching(word, [
    ["icate", "ic", positive], ["ative", "", positive], ["alize", "al", positive],
    ["iciti", "ic", positive], ["ical", "ic", positive], ["ful", "", positive], ["ness", "", positive],
  ]);
}

function step4(word: string): string {
  return applyFirstMatching(word, [
    ["al", "", aboveOne], ["ance", "", aboveOne], ["ence", "", aboveOne], ["er", "", aboveOne],
    ["ic", "", aboveOne], ["able", "", aboveOne], ["ible", "", aboveOne], ["ant", "", aboveOne],
    ["ement", "", aboveOne], ["ment", "", aboveOne], ["ent", "", aboveOne],
    ["ion", "", (stem) => aboveOne(stem) && (stem.endsWith("s") || stem.endsWith("t"))],
    ["ou", "", aboveOne], ["ism", "", aboveOne], ["ate", "", aboveOne], ["iti", "", aboveOne],
    ["ous", "", aboveOne], ["ive", "", aboveOne], ["ize", "", aboveOne],
  ]);
}

function step5(word: string): string {
  if (word.endsWith("e")) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) word = stem;
  }
  if (word.endsWith("ll") && measure(word.slice(0, -1)) > 1) word = word.slice(0, -1);
  return word;
}

export function porterStem(word: string): string {
  const irregular = IRREGULAR.get(word);
  if (irregular !== undefined) return irregular;
  if (word.length <= 2) return word;
  return step5(step4(step3(step2(step1c(step1b(step1a(word)))))));
}
