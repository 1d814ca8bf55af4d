// The AIMD policy of the per-endpoint limiter: halve on 429, pause until Retry-After, win the limit
// back one call per window of successes, never below 1 nor above the ceiling.
import { describe, expect, it } from "vitest";
import { AIMD, effectiveLimit, initialAimd, isPaused, onSuccess, onThrottle, type AimdState } from "../../../../src/lifecycle/limiter/aimd";
import { classifyResponse } from "../../../../src/lifecycle/endpoint/client";

const T0 = 1_000_000;

describe("AIMD", () => {
  it("starts at the ceiling, unpaused", () => {
    const s = initialAimd();
    expect(effectiveLimit(s, 6)).toBe(6);
    expect(isPaused(s, T0)).toBe(false);
  });

  it("halves the limit on a 429 and pauses until Retry-After", () => {
    const s = onThrottle(initialAimd(), 6, { grantedEpoch: 0, retryAfterS: 7, now: T0 });
    expect(effectiveLimit(s, 6)).toBe(3);
    expect(s.pausedUntil).toBe(T0 + 7000);
    expect(isPaused(s, T0 + 6999)).toBe(true);
    expect(isPaused(s, T0 + 7000)).toBe(false);
  });

  it("pauses for a default second when the 429 has no Retry-After, and clamps a huge one", () => {
    expect(onThrottle(initialAimd(), 6, { grantedEpoch: 0, retryAfterS: null, now: T0 }).pausedUntil).toBe(T0 + AIMD.defaultPauseS * 1000);
    expect(onThrottle(initialAimd(), 6, { grantedEpoch: 0, retryAfterS: 10 ** 9, now: T0 }).pausedUntil).toBe(T0 + AIMD.maxPauseS * 1000);
  });

  it("lowers the limit once per window: 429s of calls granted before the decrease only extend the pause", () => {
    let s = onThrottle(initialAimd(), 8, { grantedEpoch: 0, retryAfterS: 1, now: T0 });
    expect(effectiveLimit(s, 8)).toBe(4);
    // Five more calls that were in flight at the old rate come back 429 too.
    for (let i = 0; i < 5; i++) s = onThrottle(s, 8, { grantedEpoch: 0, retryAfterS: 2, now: T0 + i });
    expect(effectiveLimit(s, 8)).toBe(4);
    expect(s.pausedUntil).toBe(T0 + 4 + 2000);
    // A call granted at the new rate that is throttled again halves again.
    s = onThrottle(s, 8, { grantedEpoch: s.epoch, retryAfterS: 1, now: T0 + 10 });
    expect(effectiveLimit(s, 8)).toBe(2);
  });

  it("never goes below 1", () => {
    let s: AimdState = initialAimd();
    for (let i = 0; i < 10; i++) s = onThrottle(s, 5, { grantedEpoch: s.epoch, retryAfterS: 0, now: T0 });
    expect(s.limit).toBe(1);
    expect(effectiveLimit(s, 5)).toBe(1);
  });

  it("recovers additively: +1 after a window (limit) of successes, back to the ceiling", () => {
    let s = onThrottle(initialAimd(), 6, { grantedEpoch: 0, retryAfterS: 0, now: T0 }); // 3
    const e = s.epoch;
    s = onSuccess(s, 6, e);
    s = onSuccess(s, 6, e);
    expect(effectiveLimit(s, 6)).toBe(3);
    s = onSuccess(s, 6, e); // 3 successes at limit 3
    expect(effectiveLimit(s, 6)).toBe(4);
    for (let i = 0; i < 4; i++) s = onSuccess(s, 6, e);
    expect(effectiveLimit(s, 6)).toBe(5);
    for (let i = 0; i < 5; i++) s = onSuccess(s, 6, e);
    // Back at the ceiling: no reduction is left to remember.
    expect(s.limit).toBeNull();
    expect(effectiveLimit(s, 6)).toBe(6);
    // And it never grows above it.
    for (let i = 0; i < 20; i++) s = onSuccess(s, 6, e);
    expect(effectiveLimit(s, 6)).toBe(6);
  });

  it("does not count successes of calls granted before the decrease toward recovery", () => {
    let s = onThrottle(initialAimd(), 6, { grantedEpoch: 0, retryAfterS: 0, now: T0 });
    for (let i = 0; i < 10; i++) s = onSuccess(s, 6, 0);
    expect(effectiveLimit(s, 6)).toBe(3);
  });

  it("never exceeds a ceiling that dropped below the lowered limit", () => {
    const s = onThrottle(initialAimd(), 16, { grantedEpoch: 0, retryAfterS: 0, now: T0 }); // 8
    expect(effectiveLimit(s, 16)).toBe(8);
    expect(effectiveLimit(s, 2)).toBe(2);
    // Halving starts from what is allowed now, not from the stale limit.
    expect(effectiveLimit(onThrottle(s, 2, { grantedEpoch: s.epoch, retryAfterS: 0, now: T0 }), 2)).toBe(1);
  });
});

describe("what the limiter treats as a request to slow down", () => {
  it("is a 429 (with or without Retry-After) or a 503 with Retry-After; other errors are retried without throttling", () => {
    expect(classifyResponse(429, "", "3", 1)).toMatchObject({ kind: "retry", throttled: true, retryAfterS: 3 });
    expect(classifyResponse(429, "", null, 1)).toMatchObject({ kind: "retry", throttled: true, retryAfterS: null });
    expect(classifyResponse(503, "", "5", 1)).toMatchObject({ kind: "retry", throttled: true, retryAfterS: 5 });
    for (const status of [500, 502, 503, 408]) expect(classifyResponse(status, "", null, 1)).not.toHaveProperty("throttled");
  });
});
