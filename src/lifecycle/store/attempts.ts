// A probe's way through D1: claimed (a credit of its run), attempted (one attempt out at a time),
// retried, settled. Counters move only by changes() of conditional updates, so a probe delivered
// twice is counted once, and two consumers claiming at once never take the same probe.
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { database, type Db } from "../../db/database";
import { probes, runs, type RunRow } from "../../db/schema";
import type { ProbePoint } from "../../probes/suites";
import type { ProbeScores } from "../../probes/types";
import type { NonliteralProbeFacts } from "../../probes/nonliteral/facts";
import type { RulerProbeFacts } from "../../probes/ruler/facts";
import { POINT_COLUMNS } from "./probes";

/** A probe whose attempt has begun: its cell and its attempts so far (this one included). */
export interface BegunProbe {
  idx: number;
  point: ProbePoint;
  attempts: number;
}

const BEGUN_COLUMNS = { idx: probes.idx, ...POINT_COLUMNS, attempts: probes.attempts } as const;
type BegunColumns = { idx: number; attempts: number } & ProbePoint;
const begunOf = ({ idx, attempts, ...point }: BegunColumns): BegunProbe => ({ idx, point, attempts });

/** Up to `limit − in flight` undispatched probes of the run, in idx order, as one statement (atomic). */
function claimStatement(db: Db, runId: string, maxInFlight: number, leaseUntil: number, now: number) {
  return db
    .update(probes)
    .set({ dispatchedAt: now, leaseUntil })
    .where(
      sql`${probes.runId} = ${runId} AND ${probes.idx} IN (
        SELECT idx FROM probes WHERE run_id = ${runId} AND status = 'pending' AND dispatched_at IS NULL
        ORDER BY idx
        LIMIT max(0, ${maxInFlight} - (SELECT count(*) FROM probes WHERE run_id = ${runId} AND status = 'pending' AND dispatched_at IS NOT NULL)))`,
    )
    .returning({ idx: probes.idx });
}

const idxsOf = (rows: { idx: number }[]) => rows.map((r) => r.idx).sort((a, b) => a - b);

/** Hands up to `limit − in flight` undispatched probes of a run to the caller, in idx order. */
export async function claimProbes(d1: D1Database, runId: string, maxInFlight: number, leaseUntil: number, now: number): Promise<number[]> {
  return idxsOf(await claimStatement(database(d1), runId, maxInFlight, leaseUntil, now));
}

/** Dispatched probes whose lease ran out (their message was lost or their worker died). */
export async function reclaimExpiredProbes(d1: D1Database, runId: string, leaseUntil: number, now: number, limit = 100): Promise<number[]> {
  const rows = await database(d1)
    .update(probes)
    .set({ dispatchedAt: now, leaseUntil })
    .where(
      sql`${probes.runId} = ${runId} AND ${probes.idx} IN (
        SELECT idx FROM probes WHERE run_id = ${runId} AND status = 'pending' AND dispatched_at IS NOT NULL AND lease_until < ${now}
        ORDER BY idx LIMIT ${limit})`,
    )
    .returning({ idx: probes.idx });
  return idxsOf(rows);
}

/** Marks a queued run running (the first attempt of any of its probes does). */
const markRunning = (db: Db, runId: string, now: number) =>
  db.update(runs).set({ status: "running", startedAt: now, lastProgressAt: now }).where(and(eq(runs.id, runId), eq(runs.status, "queued")));

/**
 * Starts an attempt on a pending probe — bumps attempts, extends the lease, marks the run running.
 * Null when the probe is no longer pending or another attempt of it is still out (a duplicate
 * delivery or a re-send: that attempt settles the probe or retries it itself, and if its consumer
 * died, its lease runs out).
 */
export async function beginAttempt(d1: D1Database, runId: string, idx: number, leaseUntil: number, now: number): Promise<BegunProbe | null> {
  const db = database(d1);
  const [begun] = await db.batch([
    db
      .update(probes)
      .set({ attempts: sql`${probes.attempts} + 1`, leaseUntil, attemptUntil: leaseUntil })
      .where(and(eq(probes.runId, runId), eq(probes.idx, idx), eq(probes.status, "pending"), or(isNull(probes.attemptUntil), lte(probes.attemptUntil, now))))
      .returning(BEGUN_COLUMNS),
    markRunning(db, runId, now),
  ]);
  return begun[0] ? begunOf(begun[0]) : null;
}

/**
 * Holds a pending probe's lease while it waits for a permit of its endpoint's limiter (which re-sends
 * it), so the sweeper does not re-send it meanwhile. Not an attempt: attempts stay as they are.
 */
export async function holdWaitingProbe(d1: D1Database, runId: string, idx: number, leaseUntil: number): Promise<void> {
  await database(d1)
    .update(probes)
    .set({ leaseUntil: sql`max(coalesce(${probes.leaseUntil}, 0), ${leaseUntil})` })
    .where(and(eq(probes.runId, runId), eq(probes.idx, idx), eq(probes.status, "pending")));
}

/** Notes why an attempt will be retried, and holds the lease through the backoff. */
export async function noteRetry(d1: D1Database, runId: string, idx: number, error: string, leaseUntil: number): Promise<void> {
  await database(d1)
    .update(probes)
    .set({ error, leaseUntil, attemptUntil: null })
    .where(and(eq(probes.runId, runId), eq(probes.idx, idx), eq(probes.status, "pending")));
}

export interface Settlement {
  status: "scored" | "unscorable" | "failed" | "truncated" | "incomplete";
  constructedTokens?: number | null;
  expectedPromptTokens?: number | null;
  tokenMismatch?: boolean;
  /** The endpoint's usage numbers could not be true and were dropped. */
  usageDropped?: boolean;
  promptTokens?: number | null;
  cachedTokens?: number | null;
  completionTokens?: number | null;
  latencyMs?: number | null;
  ttftMs?: number | null;
  finishReason?: string | null;
  response?: string | null;
  /** A reasoning model's reasoning, kept apart from the answer that was scored. */
  reasoning?: string | null;
  scores?: ProbeScores | null;
  promptSha256?: string | null;
  /** What the prompt held (non-literal suites), stored for audits. */
  facts?: NonliteralProbeFacts | RulerProbeFacts | null;
  error?: string | null;
}

export interface SettleResult {
  /** False when the probe was already settled (a duplicate delivery): nothing was counted. */
  settled: boolean;
  done: number;
  total: number;
  status: RunRow["status"];
  /** Probes claimed in the same transaction with the credit this settlement freed (not `begun`). */
  claimed: number[];
  /** With `beginFirst`: the claimed probe whose attempt was begun in the same transaction. */
  begun: BegunProbe | null;
}

export interface ClaimNext {
  maxInFlight: number;
  leaseUntil: number;
  /**
   * Also begin the attempt of the first claimed probe (as beginAttempt does), for a caller that
   * holds an endpoint permit for it and goes straight on: one round trip instead of two.
   */
  beginFirst?: boolean;
}

// Responses are stored for inspection, trimmed: D1 rows must stay far below 2 MB.
const MAX_STORED_RESPONSE_CHARS = 8_000;
const MAX_STORED_REASONING_CHARS = 16_000;

/** The probe's row takes the settlement, once: only while it is still pending. */
function settleStatement(db: Db, runId: string, idx: number, s: Settlement, now: number) {
  const keep = <T>(value: T | null | undefined, column: typeof probes.constructedTokens | typeof probes.expectedPromptTokens | typeof probes.promptSha256) =>
    sql`coalesce(${value ?? null}, ${column})`;
  return db
    .update(probes)
    .set({
      status: s.status,
      constructedTokens: keep(s.constructedTokens, probes.constructedTokens),
      expectedPromptTokens: keep(s.expectedPromptTokens, probes.expectedPromptTokens),
      tokenMismatch: s.tokenMismatch ? 1 : 0,
      usageDropped: s.usageDropped ? 1 : 0,
      promptTokens: s.promptTokens ?? null,
      cachedTokens: s.cachedTokens ?? null,
      completionTokens: s.completionTokens ?? null,
      latencyMs: s.latencyMs ?? null,
      ttftMs: s.ttftMs ?? null,
      finishReason: s.finishReason ?? null,
      response: s.response == null ? null : s.response.slice(0, MAX_STORED_RESPONSE_CHARS),
      reasoning: s.reasoning == null ? null : s.reasoning.slice(0, MAX_STORED_REASONING_CHARS),
      scores: s.scores ?? null,
      promptSha256: keep(s.promptSha256, probes.promptSha256),
      facts: s.facts ?? null,
      error: s.error ?? null,
      settledAt: now,
      leaseUntil: null,
      attemptUntil: null,
    })
    .where(and(eq(probes.runId, runId), eq(probes.idx, idx), eq(probes.status, "pending")));
}

/** The run's counters move by changes() of the statement before: 1 the first time, 0 for a duplicate. */
function countStatement(db: Db, runId: string, s: Settlement, now: number) {
  const changed = (times: number) => sql`(SELECT changes()) * ${times}`;
  return db
    .update(runs)
    .set({
      done: sql`${runs.done} + (SELECT changes())`,
      failed: sql`${runs.failed} + ${changed(s.status === "failed" ? 1 : 0)}`,
      unscorable: sql`${runs.unscorable} + ${changed(s.status === "unscorable" ? 1 : 0)}`,
      truncated: sql`${runs.truncated} + ${changed(s.status === "truncated" ? 1 : 0)}`,
      incomplete: sql`${runs.incomplete} + ${changed(s.status === "incomplete" ? 1 : 0)}`,
      tokenMismatches: sql`${runs.tokenMismatches} + ${changed(s.tokenMismatch ? 1 : 0)}`,
      promptTokens: sql`${runs.promptTokens} + ${changed(s.promptTokens ?? 0)}`,
      completionTokens: sql`${runs.completionTokens} + ${changed(s.completionTokens ?? 0)}`,
      cachedTokens: sql`${runs.cachedTokens} + ${changed(s.cachedTokens ?? 0)}`,
      lastProgressAt: now,
    })
    .where(eq(runs.id, runId))
    .returning({ done: runs.done, total: runs.total, status: runs.status });
}

/** Claims at most one probe within the run's credits and begins its attempt; only while the run is active. */
function claimAndBeginStatement(db: Db, runId: string, next: ClaimNext, now: number) {
  return db
    .update(probes)
    .set({ dispatchedAt: now, leaseUntil: next.leaseUntil, attemptUntil: next.leaseUntil, attempts: sql`${probes.attempts} + 1` })
    .where(
      sql`${probes.runId} = ${runId} AND ${probes.idx} IN (
        SELECT idx FROM probes WHERE run_id = ${runId} AND status = 'pending' AND dispatched_at IS NULL
          AND EXISTS (SELECT 1 FROM runs WHERE id = ${runId} AND status IN ('queued', 'running'))
        ORDER BY idx
        LIMIT max(0, min(1, ${next.maxInFlight} - (SELECT count(*) FROM probes WHERE run_id = ${runId} AND status = 'pending' AND dispatched_at IS NOT NULL))))`,
    )
    .returning(BEGUN_COLUMNS);
}

/**
 * Settles a pending probe and counts it, atomically and at most once; with `claimNext`, claims the
 * freed credit's next probes in the same transaction (one round trip instead of two).
 */
export async function settleProbe(d1: D1Database, runId: string, idx: number, s: Settlement, now: number, claimNext?: ClaimNext): Promise<SettleResult> {
  const db = database(d1);
  const settle = settleStatement(db, runId, idx, s, now);
  const count = countStatement(db, runId, s, now);
  const claim = claimNext ? claimStatement(db, runId, claimNext.maxInFlight, claimNext.leaseUntil, now) : null;
  const begin = claimNext?.beginFirst ? claimAndBeginStatement(db, runId, claimNext, now) : null;
  const [updated, counted, ...claims] = await db.batch([settle, count, ...(begin ? [begin] : []), ...(claim ? [claim] : [])]);
  const [row] = counted as Awaited<typeof count>;
  if (!row) throw new Error(`run ${runId} disappeared while settling probe ${idx}`);
  const begunRows = begin ? (claims[0] as Awaited<typeof begin>) : [];
  const claimedRows = claim ? (claims.at(-1) as Awaited<NonNullable<typeof claim>>) : [];
  return {
    settled: (updated as D1Result).meta.changes === 1,
    done: row.done,
    total: row.total,
    status: row.status,
    claimed: idxsOf(claimedRows),
    begun: begunRows[0] ? begunOf(begunRows[0]) : null,
  };
}
