// The retry schedule of a delivery: the delay before each attempt, in seconds. The default follows
// Svix, the reference sender behind Standard Webhooks: immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
// 10 h, 10 h — 8 attempts over about 27.6 h. No step exceeds 12 h, the longest delay Cloudflare
// Queues accepted on every plan when this was written, so each step is one delayed queue message.

export const DEFAULT_RETRY_SCHEDULE_S: readonly number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];
export const MAX_STEP_S = 12 * 3600;
/** Each delay is drawn uniformly within ±JITTER of its step, so failed deliveries do not return in lockstep. */
export const JITTER = 0.2;

/**
 * Parses WEBHOOK_RETRY_SCHEDULE_S ("0,5,300,…"): comma-separated non-negative delays, the first
 * being the delay of the first attempt. Falls back to the default when unset or malformed, and
 * caps every step at 12 h.
 */
export function parseRetrySchedule(config: string | undefined): number[] {
  if (config === undefined || config.trim() === "") return [...DEFAULT_RETRY_SCHEDULE_S];
  const steps = config.split(",").map((s) => Number(s.trim()));
  if (steps.length === 0 || steps.some((s) => !Number.isFinite(s) || s < 0)) {
    console.error(JSON.stringify({ event: "webhook.bad_schedule", config }));
    return [...DEFAULT_RETRY_SCHEDULE_S];
  }
  return steps.map((s) => Math.min(s, MAX_STEP_S));
}

/**
 * Milliseconds to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed, or
 * null when the schedule is exhausted. A Retry-After from the receiver can only lengthen the wait.
 */
export function nextDelayMs(schedule: readonly number[], attempt: number, retryAfterS: number | null = null, random = Math.random): number | null {
  const step = schedule[attempt];
  if (step === undefined) return null;
  const jittered = step * (1 - JITTER + 2 * JITTER * random());
  const wanted = Math.max(jittered, retryAfterS === null ? 0 : Math.min(retryAfterS, MAX_STEP_S));
  return Math.round(Math.min(wanted, MAX_STEP_S) * 1000);
}

/** Total nominal span of a schedule in seconds (for the docs and the report). */
export function scheduleSpanS(schedule: readonly number[]): number {
  return schedule.reduce((a, b) => a + b, 0);
}
