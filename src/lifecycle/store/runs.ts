// D1 access to runs. D1 is the truth for every run: status moves only by conditional updates, so
// two workers racing to cancel or finalize a run never both win.
import { and, asc, desc, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import { database } from "../../db/database";
import { runs, type RunRow } from "../../db/schema";
import type { Regression, ServingFingerprint } from "../../contract/run";
import type { RunPreflight } from "../../contract/preflight";
import type { RunLogprobs } from "../../probes/loss/forms";
import type { RunMcScoring } from "../../probes/mmlu/scoring";
import type { RunTokenization } from "../../probes/needle/endpoint-tokenization";
import type { ProbePoint, SuiteRecipe } from "../../probes/suites";
import type { SuiteAggregate } from "../../probes/suites/suite";
import type { StoredModel } from "../run-model";

export interface NewRun {
  id: string;
  /** The model without its api_key (a partial one from runs stored before a field existed reads back with defaults). */
  model: Partial<StoredModel> & { name: string };
  /** The endpoint API key, already sealed (src/accounts/secrets.ts); never plaintext. */
  apiKeySealed: string | null;
  /** Whose calls these are, for the endpoint's limiter (a hash of the key, or the account). */
  credential: string;
  /** The submitting account. */
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
  /** The run's webhook, its secret already sealed. */
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

/**
 * Stores the run and its pending probes in one atomic batch; false (nothing stored) when the daily
 * cap refused it, or its series belongs to another account (a series is its first submitter's).
 */
export async function insertRun(d1: D1Database, run: NewRun): Promise<boolean> {
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        `INSERT INTO runs (id, status, model_name, model_json, api_key_sealed, internal_endpoint, reference, suites_json,
           public, total, created_at, last_progress_at, idempotency_key, request_sha256, series, step, tokens_trained,
           webhook_url, webhook_secret, webhook_origin, webhook_status, account_id, credential)
         SELECT ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE (? IS NULL OR (SELECT count(*) FROM runs WHERE account_id = ? AND created_at > ?) < ?)
           AND (? IS NULL OR NOT EXISTS (SELECT 1 FROM runs WHERE series = ? AND account_id IS NOT ?))`,
      )
      .bind(
        ...[run.id, run.model.name, JSON.stringify(run.model), run.apiKeySealed, run.internalEndpoint ? 1 : 0, run.reference ? 1 : 0, JSON.stringify(run.recipes)],
        ...[run.public ? 1 : 0, run.points.length, run.now, run.now, run.idempotencyKey, run.requestSha256, run.series ?? null, run.step ?? null, run.tokensTrained ?? null],
        ...[run.webhook?.url ?? null, run.webhook?.secretSealed ?? null, run.webhook?.origin ?? null, run.webhook ? "enabled" : null, run.accountId, run.credential],
        ...[run.dailyCap?.limit ?? null, run.accountId, run.dailyCap?.since ?? 0, run.dailyCap?.limit ?? 0],
        ...[run.series ?? null, run.series ?? null, run.accountId],
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

export async function getRun(d1: D1Database, id: string): Promise<RunRow | undefined> {
  return database(d1).select().from(runs).where(eq(runs.id, id)).get();
}

/** The account's run submitted with this Idempotency-Key (keys are scoped to the account). */
export async function runByIdempotencyKey(d1: D1Database, accountId: string, key: string): Promise<RunRow | undefined> {
  return database(d1).select().from(runs).where(and(eq(runs.idempotencyKey, key), eq(runs.accountId, accountId))).limit(1).get();
}

/** Cancels a queued or running run and its pending probes; false when the run had already finished. */
export async function cancelRun(d1: D1Database, id: string, now: number): Promise<boolean> {
  const [cancelled] = await d1.batch([
    d1.prepare(`UPDATE runs SET status = 'cancelled', finished_at = ?, last_progress_at = ? WHERE id = ? AND status IN ('queued', 'running')`).bind(now, now, id),
    // Runs only once the run is cancelled: pending probes of a cancelled run will never be called.
    d1.prepare(`UPDATE probes SET status = 'cancelled', lease_until = NULL WHERE run_id = ? AND status = 'pending' AND (SELECT status FROM runs WHERE id = ?) = 'cancelled'`).bind(id, id),
  ]);
  return cancelled!.meta.changes === 1;
}

/**
 * Fails a run whose endpoint has never answered (no probe settled other than failed) and cancels
 * its pending probes; false when the run finished, or a probe got an answer, in the meantime.
 */
export async function abandonUnreachableRun(d1: D1Database, id: string, error: string, now: number): Promise<boolean> {
  const [failed] = await d1.batch([
    d1.prepare(`UPDATE runs SET status = 'failed', error = ?, finished_at = ?, last_progress_at = ? WHERE id = ? AND status IN ('queued', 'running') AND done = failed`).bind(error, now, now, id),
    d1.prepare(`UPDATE probes SET status = 'cancelled', lease_until = NULL WHERE run_id = ? AND status = 'pending' AND (SELECT status FROM runs WHERE id = ?) = 'failed'`).bind(id, id),
  ]);
  return failed!.meta.changes === 1;
}

/** Pending probes with a failed attempt behind them (noteRetry keeps its reason), and the reason of the most-tried one. */
export async function retryState(d1: D1Database, id: string): Promise<{ retrying: number; lastError: string | null }> {
  const row = await d1
    .prepare(`SELECT count(*) AS retrying, (SELECT error FROM probes WHERE run_id = ?1 AND status = 'pending' AND error IS NOT NULL ORDER BY attempts DESC, idx LIMIT 1) AS last FROM probes WHERE run_id = ?1 AND status = 'pending' AND error IS NOT NULL`)
    .bind(id)
    .first<{ retrying: number; last: string | null }>();
  return { retrying: row?.retrying ?? 0, lastError: row?.last ?? null };
}

export interface RunOutcome {
  status: "succeeded" | "failed";
  results: SuiteAggregate[];
  error: string | null;
  regression: Regression | null;
}

/** Closes a run whose probes have all settled; true for the one caller whose update won. */
export async function closeRun(d1: D1Database, id: string, outcome: RunOutcome, now: number): Promise<boolean> {
  const closed = await database(d1)
    .update(runs)
    .set({ ...outcome, finishedAt: now, lastProgressAt: now, finalizeCount: sql`${runs.finalizeCount} + 1` })
    .where(and(eq(runs.id, id), inArray(runs.status, ["queued", "running"]), sql`${runs.done} >= ${runs.total}`))
    .returning({ id: runs.id });
  return closed.length === 1;
}

/** Runs newest first; `viewer` limits them to public runs plus the viewer's own (admin: all). */
export async function pageRuns(
  d1: D1Database,
  before: { createdAt: number; id: string } | null,
  limit: number,
  viewer: { accountId: string; admin: boolean } | null = null,
): Promise<RunRow[]> {
  const after = before ? or(lt(runs.createdAt, before.createdAt), and(eq(runs.createdAt, before.createdAt), lt(runs.id, before.id))) : undefined;
  const visible = viewer?.admin ? undefined : viewer ? or(eq(runs.public, 1), eq(runs.accountId, viewer.accountId)) : eq(runs.public, 1);
  return database(d1).select().from(runs).where(and(after, visible)).orderBy(desc(runs.createdAt), desc(runs.id)).limit(limit).all();
}

export async function activeRuns(d1: D1Database, limit: number): Promise<RunRow[]> {
  return database(d1).select().from(runs).where(inArray(runs.status, ["queued", "running"])).orderBy(asc(runs.lastProgressAt)).limit(limit).all();
}

export async function leaderboardRuns(d1: D1Database, limit: number): Promise<RunRow[]> {
  return database(d1)
    .select()
    .from(runs)
    .where(and(eq(runs.public, 1), eq(runs.status, "succeeded")))
    .orderBy(desc(runs.finishedAt))
    .limit(limit)
    .all();
}

export type RunProgress = Pick<RunRow, "status" | "public" | "accountId" | "total" | "done" | "failed" | "unscorable" | "truncated" | "incomplete">;

/** Just the counters: the page's live progress polls this every second, so it skips the JSON columns. */
export async function runProgress(d1: D1Database, id: string): Promise<RunProgress | undefined> {
  return database(d1)
    .select({ status: runs.status, public: runs.public, accountId: runs.accountId, total: runs.total, done: runs.done, failed: runs.failed, unscorable: runs.unscorable, truncated: runs.truncated, incomplete: runs.incomplete })
    .from(runs)
    .where(eq(runs.id, id))
    .get();
}

/** Run columns a probe decides once for the whole run: the first writer wins, later ones get its value. */
type DecidedOnce = "tokenization" | "logprobs" | "mcScoring" | "serving" | "preflight";

async function keepFirst<K extends DecidedOnce>(d1: D1Database, runId: string, column: K, value: NonNullable<RunRow[K]>): Promise<NonNullable<RunRow[K]>> {
  const db = database(d1);
  await db.update(runs).set({ [column]: value }).where(and(eq(runs.id, runId), isNull(runs[column])));
  const winner = await db.select({ value: runs[column] }).from(runs).where(eq(runs.id, runId)).get();
  return (winner?.value ?? value) as NonNullable<RunRow[K]>;
}

/**
 * Stores the run's tokenization unless one is stored already, and returns the one that stands:
 * the first writer wins, so every probe of the run counts lengths the same way.
 */
export function keepTokenization(d1: D1Database, runId: string, decided: RunTokenization): Promise<RunTokenization> {
  return keepFirst(d1, runId, "tokenization", decided);
}

export async function storedTokenization(d1: D1Database, runId: string): Promise<RunTokenization | null> {
  const row = await database(d1).select({ tokenization: runs.tokenization }).from(runs).where(eq(runs.id, runId)).get();
  return row?.tokenization ?? null;
}

/** Stores what the run's first loss probe found unless another probe stored it first; returns the one that stands. */
export function keepLogprobs(d1: D1Database, runId: string, found: RunLogprobs): Promise<RunLogprobs> {
  return keepFirst(d1, runId, "logprobs", found);
}

/** Stores how the run's multiple-choice answers are scored unless another probe decided first; returns the decision that stands. */
export function keepMcScoring(d1: D1Database, runId: string, decided: RunMcScoring): Promise<RunMcScoring> {
  return keepFirst(d1, runId, "mcScoring", decided);
}

/** Stores the endpoint's fingerprint unless another probe stored one first; returns the one that stands. */
export function keepServing(d1: D1Database, runId: string, found: ServingFingerprint): Promise<ServingFingerprint> {
  return keepFirst(d1, runId, "serving", found);
}

/** Stores the run's preflight unless another probe stored one first; returns the one that stands. */
export function keepPreflight(d1: D1Database, runId: string, taken: RunPreflight): Promise<RunPreflight> {
  return keepFirst(d1, runId, "preflight", taken);
}

/** Whether a run of another account already stands in this series (a series belongs to its first submitter). */
export async function seriesOfAnother(d1: D1Database, series: string, accountId: string): Promise<boolean> {
  const row = await database(d1)
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.series, series), sql`${runs.accountId} IS NOT ${accountId}`))
    .limit(1)
    .get();
  return row !== undefined;
}

/** The account's latest succeeded run of the series before `run`'s position (its step, else its training tokens). */
export async function previousSeriesRun(d1: D1Database, run: RunRow): Promise<RunRow | undefined> {
  const column = run.step !== null ? runs.step : runs.tokensTrained;
  const position = run.step ?? run.tokensTrained;
  if (!run.series || position === null) return undefined;
  return database(d1)
    .select()
    .from(runs)
    // Only the same account's runs: another account's (possibly private) run is never compared or named.
    .where(and(eq(runs.series, run.series), sql`${runs.accountId} IS ${run.accountId}`, eq(runs.status, "succeeded"), lt(column, position), ne(runs.id, run.id)))
    .orderBy(desc(column), desc(runs.finishedAt))
    .limit(1)
    .get();
}

/** Public succeeded runs of a series in step (or training-token) order. */
export async function seriesRuns(d1: D1Database, name: string): Promise<RunRow[]> {
  return database(d1)
    .select()
    .from(runs)
    .where(and(eq(runs.series, name), eq(runs.public, 1), eq(runs.status, "succeeded")))
    .orderBy(sql`coalesce(${runs.step}, ${runs.tokensTrained})`, asc(runs.finishedAt))
    .limit(1000)
    .all();
}

export type RunWebhook = Pick<RunRow, "webhookUrl" | "webhookSecret" | "webhookStatus" | "webhookDisabledReason">;

/** The run's webhook as a delivery needs it (its secret still sealed). */
export async function runWebhook(d1: D1Database, runId: string): Promise<RunWebhook | undefined> {
  return database(d1)
    .select({ webhookUrl: runs.webhookUrl, webhookSecret: runs.webhookSecret, webhookStatus: runs.webhookStatus, webhookDisabledReason: runs.webhookDisabledReason })
    .from(runs)
    .where(eq(runs.id, runId))
    .get();
}
