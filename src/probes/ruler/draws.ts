// Seeded draws of the values RULER draws with Python's `random` (keys, values, positions, samples):
// our own generator (../random.ts), so the same run recipe gives the same prompts in Node and in
// workerd, and another seed gives other ones. Formats are RULER's: 7-digit numbers, UUID v4 text,
// 5-letter upper-case variable names, 6-letter lower-case coded words.

export type Random = () => number;

/** An integer in [low, high], both included (Python's random.randint). */
export function randInt(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

export function choice<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** k distinct integers of [0, n), in the order drawn (Python's random.sample(range(n), k)). */
export function sampleIndexes(random: Random, n: number, k: number): number[] {
  if (k > n) throw new RangeError(`cannot sample ${k} of ${n}`);
  const chosen = new Set<number>();
  const out: number[] = [];
  while (out.length < k) {
    const i = Math.floor(random() * n);
    if (!chosen.has(i)) {
      chosen.add(i);
      out.push(i);
    }
  }
  return out;
}

export function sample<T>(random: Random, items: readonly T[], k: number): T[] {
  return sampleIndexes(random, items.length, k).map((i) => items[i]!);
}

/** niah.py's generate_random_number(7): 1000000–9999999. */
export function randomNumber(random: Random): string {
  return String(randInt(random, 1_000_000, 9_999_999));
}

const HEX = "0123456789abcdef";

/** str(uuid.UUID(int=random.getrandbits(128), version=4)): random hex with the version and variant set. */
export function randomUuid(random: Random): string {
  const digits = Array.from({ length: 32 }, () => HEX[Math.floor(random() * 16)]!);
  digits[12] = "4";
  digits[16] = HEX[8 + Math.floor(random() * 4)]!;
  const hex = digits.join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function randomLetters(random: Random, alphabet: string, k: number): string {
  let out = "";
  for (let i = 0; i < k; i++) out += alphabet[Math.floor(random() * alphabet.length)]!;
  return out;
}

export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const LOWER = "abcdefghijklmnopqrstuvwxyz";

/** Fisher–Yates from the end, as ../random.ts's `shuffled`; its last element is fixed by the first draw. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  return shuffleInPlace([...items], random);
}

/** The same shuffle, in place (for large arrays of numbers: no copy). */
export function shuffleInPlace<T extends unknown[] | Int32Array>(out: T, random: Random): T {
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const x = out[i]!;
    out[i] = out[j]!;
    out[j] = x;
  }
  return out;
}

/** The index (into `items`) of what shuffle(items, random) puts last, without shuffling: one draw. */
export function lastOfShuffle(length: number, random: Random): number {
  return length > 1 ? Math.floor(random() * length) : 0;
}
