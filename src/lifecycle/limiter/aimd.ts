// AIMD control of one endpoint's concurrency, as TCP does with its window: a 429 halves the limit
// and pauses new calls until Retry-After; successes win it back one call per window, up to the
// ceiling (the max_concurrency the runs declared). Pure: the limiter Durable Object keeps the state.

export interface AimdState {
  /** The lowered limit; null while no 429 holds the endpoint below its ceiling. */
  limit: number | null;
  /** Successes since the limit last moved. */
  streak: number;
  /**
   * Bumped by every decrease. A call granted before the last decrease was started at the old rate:
   * its 429 does not lower the limit again (one decrease per window, not one per call in flight),
   * and its success does not count toward recovery.
   */
  epoch: number;
  /** Epoch ms before which no call may start. */
  pausedUntil: number;
}

export const AIMD = {
  /** Multiplicative decrease on a 429. */
  decrease: 0.5,
  /** Pause after a 429 without a usable Retry-After. */
  defaultPauseS: 1,
  /** A Retry-After beyond this is clamped: the endpoint is asked again by then. */
  maxPauseS: 3600,
} as const;

export function initialAimd(): AimdState {
  return { limit: null, streak: 0, epoch: 0, pausedUntil: 0 };
}

/** Calls allowed in flight now: the lowered limit, never above the ceiling, never below 1. */
export function effectiveLimit(state: AimdState, ceiling: number): number {
  return Math.max(1, Math.min(state.limit ?? ceiling, ceiling));
}

export function isPaused(state: AimdState, now: number): boolean {
  return now < state.pausedUntil;
}

export interface Throttle {
  /** Epoch of the permit whose call was throttled. */
  grantedEpoch: number;
  retryAfterS: number | null;
  now: number;
}

/** A 429: pause until Retry-After and, once per window, halve the limit. */
export function onThrottle(state: AimdState, ceiling: number, t: Throttle): AimdState {
  const pauseS = Math.min(AIMD.maxPauseS, Math.max(0, t.retryAfterS ?? AIMD.defaultPauseS));
  const pausedUntil = Math.max(state.pausedUntil, t.now + pauseS * 1000);
  if (t.grantedEpoch < state.epoch) return { ...state, pausedUntil };
  const limit = Math.max(1, Math.floor(effectiveLimit(state, ceiling) * AIMD.decrease));
  return { limit, streak: 0, epoch: state.epoch + 1, pausedUntil };
}

/** A call that succeeded: after a window's worth (`limit` successes) the limit grows by one. */
export function onSuccess(state: AimdState, ceiling: number, grantedEpoch: number): AimdState {
  if (state.limit === null || grantedEpoch < state.epoch) return state;
  const limit = Math.min(state.limit, ceiling);
  const streak = state.streak + 1;
  if (streak < limit) return { ...state, limit, streak };
  const grown = limit + 1;
  return { ...state, limit: grown >= ceiling ? null : grown, streak: 0 };
}
