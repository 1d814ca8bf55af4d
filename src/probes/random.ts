// Small seeded randomness for reproducible draws: the same key always gives the same sequence, in
// Node and in workerd alike (Math.random cannot be seeded).

/** FNV-1a over UTF-16 code units: a 32-bit hash of a key. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast and good enough for sampling and resampling; numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator keyed by its parts (`seededRandom(seed, "pairs", kind)`): one sequence per key. */
export function seededRandom(...parts: readonly (string | number)[]): () => number {
  return mulberry32(fnv1a(parts.join("\u0000")));
}

/** A copy of `items` in Fisher–Yates order drawn from `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
