// Retry delays for upstream calls: exponential with jitter, or the server's Retry-After.

export const BACKOFF_BASE_S = 2;
export const BACKOFF_CAP_S = 300;
/** Queues accept delays up to 24 h; a longer Retry-After is clamped. */
export const MAX_DELAY_S = 86_400;

/** Delay before attempt `attempt + 1`, given that `attempt` (1-based) just failed. */
export function retryDelaySeconds(attempt: number, retryAfterS: number | null, random = Math.random): number {
  if (retryAfterS !== null) {
    // Honour the server's wish, plus up to a second so many probes do not return in lockstep.
    return Math.min(MAX_DELAY_S, Math.ceil(retryAfterS + random()));
  }
  const ceiling = Math.min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": at least half the ceiling, so retries still back off.
  return Math.max(1, Math.ceil(ceiling / 2 + (random() * ceiling) / 2));
}
