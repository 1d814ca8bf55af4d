// The largest haystack that fits: RULER binary-searches its haystack size, re-tokenizing the whole
// prompt at each of ~15 steps. Here a size's exact token count is cheap (./count.ts), and counts grow
// nearly linearly with size, so a secant search lands in two or three counts; a few single steps then
// make sure the size is the largest whose prompt stays within the budget.

export interface Fitted {
  size: number;
  tokens: number;
}

export class FitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FitError";
  }
}

/**
 * The largest size ≥ `min` (and ≤ `max`) whose exact count is ≤ budget, found from a first guess and
 * an estimated slope (tokens per unit of size). Throws FitError when even `min` is over the budget.
 */
export function fitSize(countAt: (size: number) => number, budget: number, guess: { start: number; slope: number; min?: number; max?: number }): Fitted {
  const min = guess.min ?? 1;
  const max = guess.max ?? Number.MAX_SAFE_INTEGER;
  const seen = new Map<number, number>();
  const at = (size: number) => {
    let tokens = seen.get(size);
    if (tokens === undefined) seen.set(size, (tokens = countAt(size)));
    return tokens;
  };
  const clamp = (size: number) => Math.min(max, Math.max(min, size));
  let size = clamp(Math.round(guess.start));
  let slope = Math.max(guess.slope, 1e-6);
  for (let step = 0; step < 16; step++) {
    const tokens = at(size);
    const next = clamp(tokens > budget ? size - Math.max(1, Math.ceil((tokens - budget) / slope)) : size + Math.floor((budget - tokens) / slope));
    if (next === size || seen.has(next)) break;
    const nextTokens = at(next);
    if (nextTokens !== tokens) slope = Math.max(1e-6, (nextTokens - tokens) / (next - size));
    size = next;
  }
  // The largest feasible size seen, then single steps up while the next one still fits.
  const feasible = [...seen.entries()].filter(([, t]) => t <= budget).sort((a, b) => b[0] - a[0]);
  let best = feasible[0]?.[0];
  if (best === undefined) {
    best = Math.min(...seen.keys());
    while (best > min && at(best) > budget) best -= 1;
    if (at(best) > budget) throw new FitError(`even the smallest haystack (${min}) takes ${at(best)} tokens, over the budget of ${budget}`);
  }
  while (best < max && at(best + 1) <= budget) best += 1;
  return { size: best, tokens: at(best) };
}
