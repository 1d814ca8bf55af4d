// The webhook retry schedule: default steps, overrides, jitter bounds and the 12 h cap.
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SCHEDULE_S, JITTER, MAX_STEP_S, nextDelayMs, parseRetrySchedule, scheduleSpanS } from "../../../../src/lifecycle/webhooks/schedule";

describe("webhook retry schedule", () => {
  it("defaults to 8 attempts over about a day, no step longer than Queues' 12 h", () => {
    expect(parseRetrySchedule(undefined)).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(scheduleSpanS(DEFAULT_RETRY_SCHEDULE_S) / 3600).toBeCloseTo(27.58, 1);
    expect(Math.max(...DEFAULT_RETRY_SCHEDULE_S) * (1 + JITTER)).toBeLessThanOrEqual(MAX_STEP_S);
  });

  it("takes WEBHOOK_RETRY_SCHEDULE_S, caps steps at 12 h and ignores a malformed value", () => {
    expect(parseRetrySchedule("0, 1,2")).toEqual([0, 1, 2]);
    expect(parseRetrySchedule("0,86400")).toEqual([0, MAX_STEP_S]);
    expect(parseRetrySchedule("0,soon")).toEqual([...DEFAULT_RETRY_SCHEDULE_S]);
    expect(parseRetrySchedule("0,-5")).toEqual([...DEFAULT_RETRY_SCHEDULE_S]);
    expect(parseRetrySchedule("")).toEqual([...DEFAULT_RETRY_SCHEDULE_S]);
  });

  it("waits each step within ±20 % jitter, and stops when the schedule is exhausted", () => {
    const s = DEFAULT_RETRY_SCHEDULE_S;
    for (let attempt = 1; attempt < s.length; attempt++) {
      const step = s[attempt]! * 1000;
      expect(nextDelayMs(s, attempt, null, () => 0)).toBe(Math.round(step * (1 - JITTER)));
      expect(nextDelayMs(s, attempt, null, () => 0.5)).toBe(step);
      expect(nextDelayMs(s, attempt, null, () => 0.999999)).toBeLessThanOrEqual(Math.round(step * (1 + JITTER)));
      for (let i = 0; i < 200; i++) {
        const d = nextDelayMs(s, attempt)!;
        expect(d).toBeGreaterThanOrEqual(Math.floor(step * (1 - JITTER)));
        expect(d).toBeLessThanOrEqual(Math.ceil(step * (1 + JITTER)));
      }
    }
    expect(nextDelayMs(s, s.length)).toBeNull();
    expect(nextDelayMs([0, 1, 1], 3)).toBeNull();
  });

  it("lets Retry-After lengthen a wait but never past 12 h", () => {
    expect(nextDelayMs([0, 5], 1, 60, () => 0.5)).toBe(60_000);
    expect(nextDelayMs([0, 300], 1, 2, () => 0.5)).toBe(300_000);
    expect(nextDelayMs([0, 5], 1, 999_999, () => 0.5)).toBe(MAX_STEP_S * 1000);
  });
});
