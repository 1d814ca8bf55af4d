// From the log-probabilities an endpoint returned for a prompt to the loss suite's measures. Our
// definition (the paper gives none): Loss@L is the mean negative log-likelihood, in nats, of text
// tokens 2…L of an L-token text — the first token has no context to be predicted from. The
// position curve is that mean per bucket of positions, powers of two (1–1024, 1025–2048, …, up to L).

/** Why a reply's log-probabilities cannot be scored (a probe ends unscorable with this). */
export class LogprobAlignmentError extends Error {
  override name = "LogprobAlignmentError";
}

/**
 * The log-probability of each of the text's L tokens (index 0 has none: NaN), from the
 * server's per-position values. Servers that add a BOS token return L + 1 entries (the BOS first,
 * without a value); any other count means the server's tokens are not ours.
 */
export function alignLogprobs(returned: ArrayLike<number | null>, textTokens: number): Float64Array {
  const extra = returned.length - textTokens;
  if (extra !== 0 && extra !== 1) {
    throw new LogprobAlignmentError(
      `the server returned ${returned.length} prompt log-probabilities for a ${textTokens}-token text (expected ${textTokens}, or ${textTokens + 1} with a BOS token): its tokenizer is not the run's`,
    );
  }
  const aligned = new Float64Array(textTokens);
  aligned[0] = NaN;
  for (let i = 1; i < textTokens; i++) {
    const value = returned[i + extra];
    if (typeof value !== "number" || !Number.isFinite(value) || value > 1e-9) {
      throw new LogprobAlignmentError(`prompt log-probability at position ${i + 1} is ${String(value)}, not a finite value ≤ 0`);
    }
    aligned[i] = value;
  }
  return aligned;
}

/** Mean NLL (nats) of tokens 2…L. */
export function meanNll(logprobs: Float64Array): number {
  let sum = 0;
  for (let i = 1; i < logprobs.length; i++) sum -= logprobs[i]!;
  return sum / Math.max(1, logprobs.length - 1);
}

export interface PositionBucket {
  /** First and last position (1-based, inclusive) of text tokens in the bucket. */
  from: number;
  to: number;
  nll: number;
}

/** Upper ends of the buckets for an L-token text: 1024, 2048, … and L itself last. */
export function bucketEnds(length: number): number[] {
  const ends: number[] = [];
  for (let end = 1024; end < length; end *= 2) ends.push(end);
  ends.push(length);
  return ends;
}

/** Mean NLL per bucket of positions; position 1 (no context) is left out of the first. */
export function positionCurve(logprobs: Float64Array): PositionBucket[] {
  let from = 1;
  return bucketEnds(logprobs.length).map((to) => {
    let sum = 0;
    for (let i = Math.max(from, 2); i <= to; i++) sum -= logprobs[i - 1]!;
    const bucket = { from, to, nll: sum / (to - Math.max(from, 2) + 1) };
    from = to + 1;
    return bucket;
  });
}
