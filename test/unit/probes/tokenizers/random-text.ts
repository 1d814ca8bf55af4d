// Short random strings mixing character pools (scripts, digits, spaces, symbols), for comparing our
// encoders with the packages they replace. A fixed LCG per seed: the same strings on every run.
export function randomPoolStrings(pools: readonly string[], count: number, seed: number): string[] {
  let state = seed;
  const random = (n: number) => Math.floor(((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
  return Array.from({ length: count }, () => {
    let text = "";
    for (let i = 1 + random(40); i > 0; i--) {
      const pool = pools[random(pools.length)]!;
      text += pool[random(pool.length)];
    }
    return text;
  });
}
