// D1 access for the run lifecycle. D1 is the truth: counters move only by changes() of
// conditional updates, so a probe delivered twice is counted once.
import { and, asc, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "../db/schema";
import { probes, runs, type ProbeRow, type RunRow } from "../db/schema";
import type { ProbePoint, SuiteRecipe } from "../probes/suites";
import type { ProbeScores } from "../probes/types";

export type Db = DrizzleD1Database<typeof schema>;

export function database(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

export interface NewRun {
  id: string;
  modelName: string;
  modelJson: string;
  /** The endpoint API key, already sealed (src/accounts/secrets.ts); never plaintext. */
  apiKeySealed: string | null;
  /** The submitting account (src/accounts/accounts.ts). */
  accountId: string;
  internalEndpoint: boolean;
  reference: boolean;
  recipes: SuiteRecipe[];
  points: ProbePoint[];
  public: boolean;
  now: number;
  idempotencyKey: string | null;
  requestSha256: string | null;
  series?: string | null;
  step?: number | null;
  tokensTrained?: number | null;
  /** The run's webhook, its secret already sealed (src/lifecycle/webhooks). */
  webhook?: { url: string; secretSealed: string; origin: string } | null;
  /**
   * The account's daily cap, checked in the same transaction as the insert so that parallel
   * submissions cannot overshoot it: the run is stored only while fewer than `limit` of the
   * account's runs were created after `since`.
   */
  dailyCap?: { limit: number; since: number } | null;
}

// D1 binds at most 100 parameters per statement: 7 per probe row → 14 rows (+ the run id) per statement.
const PROBE_ROWS_PER_INSERT = 14;

/** Writes the run and one pending row per probe in one atomic batch. */
/** Stores the run and its pending probes; false when the daily cap refused it (nothing stored). */
export async function insertRun(d1: D1Database, run: NewRun): Promise<boolean> {
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        `INSERT INTO runs (id, status, model_name, model_json, api_key_sealed, internal_endpoint, reference, suites_json,
           public, total, created_at, last_progress_at, idempotency_key, request_sha256, series, step, tokens_trained,
           webhook_url, webhook_secret, webhook_origin, webhook_status, account_id)
         SELECT ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE ? IS NULL OR (SELECT count(*) FROM runs WHERE account_id = ? AND created_at > ?) < ?`,
      )
      .bind(
        run.id,
        run.modelName,
        run.modelJson,
        run.apiKeySealed,
        run.internalEndpoint ? 1 : 0,
        run.reference ? 1 : 0,
        JSON.stringify(run.recipes),
        run.public ? 1 : 0,
        run.points.length,
        run.now,
        run.now,
        run.idempotencyKey,
        run.requestSha256,
        run.series ?? null,
        run.step ?? null,
        run.tokensTrained ?? null,
        run.webhook?.url ?? null,
        run.webhook?.secretSealed ?? null,
        run.webhook?.origin ?? null,
        run.webhook ? "enabled" : null,
        run.accountId,
        run.dailyCap?.limit ?? null,
        run.accountId,
        run.dailyCap?.since ?? 0,
        run.dailyCap?.limit ?? 0,
      ),
  ];
  for (let start = 0; start < run.points.length; start += PROBE_ROWS_PER_INSERT) {
    const chunk = run.points.slice(start, start + PROBE_ROWS_PER_INSERT);
    const values = chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, 'pending')").join(", ");
    // Only if the run row went in (the daily cap may have refused it).
    const params = [...chunk.flatMap((p, i) => [run.id, start + i, p.suiteIndex, p.suiteType, p.contextLength, p.depthPercent, p.item]), run.id];
    statements.push(
      d1
        .prepare(
          `INSERT INTO probes (run_id, idx, suite_index, suite_type, context_length, depth_percent, item, status)
           SELECT * FROM (VALUES ${values}) WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?)`,
        )
        .bind(...params),
    );
  }
  const [inserted] = await d1.batch(statements);
  return inserted!.meta.changes === 1;
}

export async function getRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.select().from(runs).where(eq(runs.id, id)).get();
}

export async function getProbe(db: Db, runId: string, idx: number): Promise<ProbeRow | undefined> {
  return db.select().from(probes).where(and(eq(probes.runId, runId), eq(probes.idx, idx))).get();
}

export function recipesOf(run: Pick<RunRow, "suitesJson">): SuiteRecipe[] {
  return JSON.parse(run.suitesJson) as SuiteRecipe[];
}

export function pointOf(probe: ProbeRow): ProbePoint {
  return {
    suiteIndex: probe.suiteIndex,
    suiteType: probe.suiteType as ProbePoint["suiteType"],
    contextLength: probe.contextLength,
    depthPercent: probe.depthPercent,
    item: probe.item,
    build: probe.buildJson ? (JSON.parse(probe.buildJson) as ProbePoint["build"]) : null,
  };
}

/**
 * Hands up to `limit − in flight` undispatched probes of a run to the caller, in idx order.
 * One statement, so two consumers claiming at once never take the same probe or exceed the limit.
 */
export async function claimProbes(d1: D1Database, runId: string, maxInFlight: number, leaseUntil: number, now: number): Promise<number[]> {
  const { results } = await claimStatement(d1, runId, maxInFlight, leaseUntil, now).all<{ idx: number }>();
  return results.map((r) => r.idx).sort((a, b) => a - b);
}

function claimStatement(d1: D1Database, runId: string, maxInFlight: number, leaseUntil: number, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE probes SET dispatched_at = ?1, lease_until = ?2
       WHERE run_id = ?3 AND idx IN (
         SELECT idx FROM probes WHERE run_id = ?3 AND status = 'pending' AND dispatched_at IS NULL
         ORDER BY idx
         LIMIT max(0, ?4 - (SELECT count(*) FROM probes WHERE run_id = ?3 AND status = 'pending' AND dispatched_at IS NOT NULL)))
       RETURNING idx`,
    )
    .bind(now, leaseUntil, runId, maxInFlight);
}

/** Dispatched probes whose lease ran out (their message was lost or their worker died). */
export async function reclaimExpiredProbes(d1: D1Database, runId: string, leaseUntil: number, now: number, limit = 100): Promise<number[]> {
  const { results } = await d1
    .prepare(
      `UPDATE probes SET dispatched_at = ?1, lease_until = ?2
       WHERE run_id = ?3 AND idx IN (
         SELECT idx FROM probes WHERE run_id = ?3 AND status = 'pending' AND dispatched_at IS NOT NULL AND lease_until < ?1
         ORDER BY idx LIMIT ?4)
       RETURNING idx`,
    )
    .bind(now, leaseUntil, runId, limit)
    .all<{ idx: number }>();
  return results.map((r) => r.idx).sort((a, b) => a - b);
}

/**
 * Starts an attempt on a pending probe — bumps attempts, extends the lease, marks the run running —
 * and returns the probe's cell and its attempts so far (this one included); null when the probe is
 * no longer pending or another attempt of it is still out (a duplicate delivery or a re-send: that
 * attempt settles the probe or retries it itself, and if its consumer died, its lease runs out).
 */
export async function beginAttempt(d1: D1Database, runId: string, idx: number, leaseUntil: number, now: number): Promise<{ point: ProbePoint; attempts: number } | null> {
  const [probe] = await d1.batch<{ suite_index: number; suite_type: string; context_length: number | null; depth_percent: number | null; item: number | null; attempts: number }>([
    d1
      .prepare(
        `UPDATE probes SET attempts = attempts + 1, lease_until = ?1, attempt_until = ?1
         WHERE run_id = ?2 AND idx = ?3 AND status = 'pending' AND (attempt_until IS NULL OR attempt_until <= ?4)
         RETURNING suite_index, suite_type, context_length, depth_percent, item, attempts`,
      )
      .bind(leaseUntil, runId, idx, now),
    d1
      .prepare(`UPDATE runs SET status = 'running', started_at = ?, last_progress_at = ? WHERE id = ? AND status = 'queued'`)
      .bind(now, now, runId),
  ]);
  const row = probe?.results?.[0];
  if (!row) return null;
  return { point: pointOfRow(row), attempts: row.attempts };
}

/**
 * Holds a pending probe's lease while it waits for a permit of its endpoint's limiter (which re-sends
 * it), so the sweeper does not re-send it meanwhile. Not an attempt: attempts stay as they are.
 */
export async function holdWaitingProbe(d1: D1Database, runId: string, idx: number, leaseUntil: number): Promise<void> {
  await d1
    .prepare(`UPDATE probes SET lease_until = max(coalesce(lease_until, 0), ?) WHERE run_id = ? AND idx = ? AND status = 'pending'`)
    .bind(leaseUntil, runId, idx)
    .run();
}

/** Notes why an attempt will be retried, and holds the lease through the backoff. */
export async function noteRetry(d1: D1Database, runId: string, idx: number, error: string, leaseUntil: number): Promise<void> {
  await d1
    .prepare(`UPDATE probes SET error = ?, lease_until = ?, attempt_until = NULL WHERE run_id = ? AND idx = ? AND status = 'pending'`)
    .bind(error, leaseUntil, runId, idx)
    .run();
}

export interface Settlement {
  status: "scored" | "unscorable" | "failed";
  constructedTokens?: number | null;
  expectedPromptTokens?: number | null;
  tokenMismatch?: boolean;
  promptTokens?: number | null;
  cachedTokens?: number | null;
  completionTokens?: number | null;
  latencyMs?: number | null;
  ttftMs?: number | null;
  finishReason?: string | null;
  response?: string | null;
  scores?: ProbeScores | null;
  promptSha256?: string | null;
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
  begun: { idx: number; point: ProbePoint; attempts: number } | null;
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

/**
 * Settles a pending probe and counts it, atomically and at most once; with `claimNext`, claims the
 * freed credit's next probes in the same transaction (one round trip instead of two).
 */
export async function settleProbe(d1: D1Database, runId: string, idx: number, s: Settlement, now: number, claimNext?: ClaimNext): Promise<SettleResult> {
  const response = s.response == null ? null : s.response.slice(0, MAX_STORED_RESPONSE_CHARS);
  const [updated, counted, ...claims] = await d1.batch<{ done: number; total: number; status: RunRow["status"] }>([
    d1
      .prepare(
        `UPDATE probes SET status = ?, constructed_tokens = coalesce(?, constructed_tokens),
           expected_prompt_tokens = coalesce(?, expected_prompt_tokens), token_mismatch = ?, prompt_tokens = ?, cached_tokens = ?, completion_tokens = ?,
           latency_ms = ?, ttft_ms = ?, finish_reason = ?, response = ?, scores_json = ?, prompt_sha256 = coalesce(?, prompt_sha256),
           error = ?, settled_at = ?, lease_until = NULL, attempt_until = NULL
         WHERE run_id = ? AND idx = ? AND status = 'pending'`,
      )
      .bind(
        s.status,
        s.constructedTokens ?? null,
        s.expectedPromptTokens ?? null,
        s.tokenMismatch ? 1 : 0,
        s.promptTokens ?? null,
        s.cachedTokens ?? null,
        s.completionTokens ?? null,
        s.latencyMs ?? null,
        s.ttftMs ?? null,
        s.finishReason ?? null,
        response,
        s.scores ? JSON.stringify(s.scores) : null,
        s.promptSha256 ?? null,
        s.error ?? null,
        now,
        runId,
        idx,
      ),
    // changes() is the row count of the statement above: 1 the first time, 0 for a duplicate.
    d1
      .prepare(
        `UPDATE runs SET
           done = done + (SELECT changes()),
           failed = failed + (SELECT changes()) * ?,
           unscorable = unscorable + (SELECT changes()) * ?,
           token_mismatches = token_mismatches + (SELECT changes()) * ?,
           prompt_tokens = prompt_tokens + (SELECT changes()) * ?,
           completion_tokens = completion_tokens + (SELECT changes()) * ?,
           cached_tokens = cached_tokens + (SELECT changes()) * ?,
           last_progress_at = ?
         WHERE id = ?
         RETURNING done, total, status`,
      )
      .bind(
        s.status === "failed" ? 1 : 0,
        s.status === "unscorable" ? 1 : 0,
        s.tokenMismatch ? 1 : 0,
        s.promptTokens ?? 0,
        s.completionTokens ?? 0,
        s.cachedTokens ?? 0,
        now,
        runId,
      ),
    ...(claimNext?.beginFirst ? [claimAndBeginStatement(d1, runId, claimNext.maxInFlight, claimNext.leaseUntil, now)] : []),
    ...(claimNext ? [claimStatement(d1, runId, claimNext.maxInFlight, claimNext.leaseUntil, now)] : []),
  ]);
  const row = counted?.results?.[0];
  if (!row) throw new Error(`run ${runId} disappeared while settling probe ${idx}`);
  // claims: [claim-and-begin, claim] with beginFirst, else [claim].
  const beginRows = claimNext?.beginFirst ? claims[0] : undefined;
  const restRows = claims.at(-1);
  const claimed = ((restRows?.results ?? []) as unknown as { idx: number }[]).map((r) => r.idx).sort((a, b) => a - b);
  const b = (beginRows?.results?.[0] ?? null) as unknown as BegunRow | null;
  const begun = b ? { idx: b.idx, point: pointOfRow(b), attempts: b.attempts } : null;
  return { settled: (updated?.meta.changes ?? 0) === 1, done: row.done, total: row.total, status: row.status, claimed, begun };
}

interface BegunRow {
  idx: number;
  suite_index: number;
  suite_type: string;
  context_length: number | null;
  depth_percent: number | null;
  item: number | null;
  attempts: number;
}

function pointOfRow(row: Omit<BegunRow, "idx" | "attempts">): ProbePoint {
  return {
    suiteIndex: row.suite_index,
    suiteType: row.suite_type as ProbePoint["suiteType"],
    contextLength: row.context_length,
    depthPercent: row.depth_percent,
    item: row.item,
  };
}

/** Claims at most one probe within the run's credits and begins its attempt; only while the run is active. */
function claimAndBeginStatement(d1: D1Database, runId: string, maxInFlight: number, leaseUntil: number, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE probes SET dispatched_at = ?1, lease_until = ?2, attempt_until = ?2, attempts = attempts + 1
       WHERE run_id = ?3 AND idx IN (
         SELECT idx FROM probes WHERE run_id = ?3 AND status = 'pending' AND dispatched_at IS NULL
           AND EXISTS (SELECT 1 FROM runs WHERE id = ?3 AND status IN ('queued', 'running'))
         ORDER BY idx
         LIMIT max(0, min(1, ?4 - (SELECT count(*) FROM probes WHERE run_id = ?3 AND status = 'pending' AND dispatched_at IS NOT NULL))))
       RETURNING idx, suite_index, suite_type, context_length, depth_percent, item, attempts`,
    )
    .bind(now, leaseUntil, runId, maxInFlight);
}

export async function listProbes(db: Db, runId: string): Promise<ProbeRow[]> {
  return db.select().from(probes).where(eq(probes.runId, runId)).orderBy(asc(probes.idx)).all();
}

export async function pageProbes(db: Db, runId: string, afterIdx: number, limit: number): Promise<ProbeRow[]> {
  return db
    .select()
    .from(probes)
    .where(and(eq(probes.runId, runId), sql`${probes.idx} > ${afterIdx}`))
    .orderBy(asc(probes.idx))
    .limit(limit)
    .all();
}

/** Runs newest first; `viewer` limits them to public runs plus the viewer's own (admin: all). */
export async function pageRuns(
  db: Db,
  before: { createdAt: number; id: string } | null,
  limit: number,
  viewer: { accountId: string; admin: boolean } | null = null,
): Promise<RunRow[]> {
  const after = before ? or(lt(runs.createdAt, before.createdAt), and(eq(runs.createdAt, before.createdAt), lt(runs.id, before.id))) : undefined;
  const visible = viewer?.admin ? undefined : viewer ? or(eq(runs.public, 1), eq(runs.accountId, viewer.accountId)) : eq(runs.public, 1);
  return db.select().from(runs).where(and(after, visible)).orderBy(desc(runs.createdAt), desc(runs.id)).limit(limit).all();
}

export async function activeRuns(db: Db, limit: number): Promise<RunRow[]> {
  return db
    .select()
    .from(runs)
    .where(inArray(runs.status, ["queued", "running"]))
    .orderBy(asc(runs.lastProgressAt))
    .limit(limit)
    .all();
}

export async function leaderboardRuns(db: Db, limit: number): Promise<RunRow[]> {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.public, 1), eq(runs.status, "succeeded")))
    .orderBy(desc(runs.finishedAt))
    .limit(limit)
    .all();
}
