// What the run page says about a run's state in words: the progress bar's outcome segments, why
// nothing is scored, the pace (rate and ETA) and the endpoint's throttle state. Pure: the page
// renders these and the live stream (./events.ts) sends them as they change.
import type { EndpointLimit } from "../contract/limits";
import { formatDate } from "./format";

export interface Counters {
  total: number;
  done: number;
  failed: number;
  unscorable: number;
  truncated: number;
  incomplete: number;
}

export type Outcome = "scored" | "truncated" | "incomplete" | "unscorable" | "failed" | "cancelled";

/** Left to right on the bar; what is not covered is still pending. */
export const OUTCOMES: readonly { outcome: Outcome; label: string }[] = [
  { outcome: "scored", label: "scored" },
  { outcome: "truncated", label: "truncated by the server" },
  { outcome: "incomplete", label: "incomplete (reasoning without an answer)" },
  { outcome: "unscorable", label: "unscorable" },
  { outcome: "failed", label: "failed" },
  { outcome: "cancelled", label: "never called (the run ended first)" },
];

/** Probes per outcome. Scored is what settled without another outcome; a finished run's unsettled probes were cancelled. */
export function outcomeCounts(p: Counters, finished: boolean): Record<Outcome, number> {
  const other = p.failed + p.unscorable + p.truncated + p.incomplete;
  return {
    scored: Math.max(0, p.done - other),
    truncated: p.truncated,
    incomplete: p.incomplete,
    unscorable: p.unscorable,
    failed: p.failed,
    cancelled: finished ? Math.max(0, p.total - p.done) : 0,
  };
}

/** A status and error as the run has them, with a suite's counts. */
export interface EmptyState {
  status: string;
  error: string | null;
  counts: Pick<Counters, "failed" | "unscorable" | "truncated" | "incomplete">;
}

/** Why a suite's curves are empty, in one sentence that says what happened. */
export function noScoresText({ status, error, counts }: EmptyState): string {
  const settled = [
    [counts.failed, "failed"],
    [counts.unscorable, "unscorable"],
    [counts.truncated, "truncated by the server"],
    [counts.incomplete, "incomplete"],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(", ");
  if (status === "failed") return `The run failed before any probe was scored${error ? `: ${error}` : "."}`;
  if (status === "cancelled") return `The run was cancelled before any probe was scored${settled ? ` (${settled})` : ""}.`;
  if (status === "succeeded") return `No probe could be scored${settled ? `: ${settled}` : ""}.`;
  return settled ? `No probe is scored yet (${settled}).` : "No probe is scored yet.";
}

export interface PaceSample {
  at: number;
  done: number;
}

export interface Pace {
  /** Probes settled per minute: over the last minute once there is one to look back on, else since the run started. */
  perMinute: number | null;
  /** Seconds until every probe has settled at that rate. */
  etaSeconds: number | null;
}

const WINDOW_MS = 60_000;
/** A shorter look-back than this says too little about the rate. */
const MIN_WINDOW_MS = 10_000;

/** The run's pace from `samples` (oldest first, the last one now) and, before they span enough time, from its start. */
export function runPace(total: number, samples: readonly PaceSample[], startedAt: number | null): Pace {
  const now = samples.at(-1);
  if (!now) return { perMinute: null, etaSeconds: null };
  const since = samples.find((s) => now.at - s.at <= WINDOW_MS)!;
  let perMinute: number | null = null;
  if (now.at - since.at >= MIN_WINDOW_MS) perMinute = ((now.done - since.done) * 60_000) / (now.at - since.at);
  else if (startedAt !== null && now.at - startedAt >= 1000 && now.done > 0) perMinute = (now.done * 60_000) / (now.at - startedAt);
  const left = Math.max(0, total - now.done);
  const etaSeconds = left === 0 ? 0 : perMinute ? (left / perMinute) * 60 : null;
  return { perMinute, etaSeconds };
}

/** 59 → "59 s", 61 → "1 min 01 s", 3700 → "1 h 01 min". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

export function paceText(pace: Pace): string {
  if (pace.perMinute === null) return "Rate: measuring… · ETA: not known yet";
  const rate = pace.perMinute >= 10 ? pace.perMinute.toFixed(0) : pace.perMinute.toFixed(1);
  const eta = pace.etaSeconds === null ? "not known (nothing settled in the last minute)" : pace.etaSeconds === 0 ? "now" : `about ${formatSeconds(pace.etaSeconds)}`;
  return `Rate: ${rate} probes/min · ETA: ${eta}`;
}

export function retriesText(retrying: number, lastError: string | null): string {
  if (!retrying) return "";
  return `${retrying} probe${retrying === 1 ? " is" : "s are"} waiting to be retried${lastError ? `; last error: ${lastError}` : ""}`;
}

/** The endpoint's limiter in a sentence: how many calls it lets out, and whether a 429 holds it back. */
export function throttleText(limit: EndpointLimit, now: number): string {
  const parts = [limit.limit === null ? `${limit.in_flight} calls in flight` : `${limit.in_flight} of ${limit.limit} calls in flight`];
  if (limit.reduced && limit.ceiling !== null) parts.push(`limit cut from ${limit.ceiling} after a 429`);
  if (limit.waiting) parts.push(`${limit.waiting} waiting for a slot`);
  const pausedUntil = limit.paused_until ? Date.parse(limit.paused_until) : NaN;
  if (pausedUntil > now) parts.push(`paused until ${formatDate(pausedUntil).slice(11)} (${formatSeconds((pausedUntil - now) / 1000)}: the endpoint's Retry-After)`);
  if (limit.throttles) parts.push(`${limit.throttles} throttled answer${limit.throttles === 1 ? "" : "s"} (429) so far`);
  return `Endpoint: ${parts.join(" · ")}`;
}
