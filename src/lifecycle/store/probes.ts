// D1 access to probes: reading them, and the cuts an endpoint-tokenized probe fixes once. (How a
// probe is claimed, attempted and settled is ./attempts.ts.)
import { and, asc, between, desc, eq, gt, gte, inArray, isNotNull, isNull, ne, sql } from "drizzle-orm";
import { database } from "../../db/database";
import { probes, runs, type ProbeRow } from "../../db/schema";
import type { ProbeBuild, SettledProbe } from "../../probes/suites/suite";

/** The columns that make a probe's cell: a probe row is a ProbePoint as it stands. */
export const POINT_COLUMNS = {
  suiteIndex: probes.suiteIndex,
  suiteType: probes.suiteType,
  contextLength: probes.contextLength,
  depthPercent: probes.depthPercent,
  item: probes.item,
  build: probes.build,
} as const;

export async function getProbe(d1: D1Database, runId: string, idx: number): Promise<ProbeRow | undefined> {
  return database(d1).select().from(probes).where(and(eq(probes.runId, runId), eq(probes.idx, idx))).get();
}

export async function listProbes(d1: D1Database, runId: string): Promise<ProbeRow[]> {
  return database(d1).select().from(probes).where(eq(probes.runId, runId)).orderBy(asc(probes.idx)).all();
}

/** What the aggregates need of a run's probes: their cells, statuses and scores — not their responses. */
export async function settledProbes(d1: D1Database, runId: string): Promise<SettledProbe[]> {
  return database(d1)
    .select({ suiteIndex: probes.suiteIndex, status: probes.status, contextLength: probes.contextLength, depthPercent: probes.depthPercent, item: probes.item, scores: probes.scores })
    .from(probes)
    .where(eq(probes.runId, runId))
    .orderBy(asc(probes.idx))
    .all();
}

export async function pageProbes(d1: D1Database, runId: string, afterIdx: number, limit: number): Promise<ProbeRow[]> {
  return database(d1)
    .select()
    .from(probes)
    .where(and(eq(probes.runId, runId), gt(probes.idx, afterIdx)))
    .orderBy(asc(probes.idx))
    .limit(limit)
    .all();
}

/** What the probe's first build fixed (needle cuts, RULER proxy budget), or null before it. */
export async function storedBuild(d1: D1Database, runId: string, idx: number): Promise<ProbeBuild | null> {
  const row = await database(d1).select({ build: probes.build }).from(probes).where(and(eq(probes.runId, runId), eq(probes.idx, idx))).get();
  return row?.build ?? null;
}

/** Stores the probe's build unless an earlier delivery did, and returns the one that stands (the first writer wins). */
export async function keepBuild(d1: D1Database, runId: string, idx: number, build: ProbeBuild): Promise<ProbeBuild> {
  await database(d1).update(probes).set({ build }).where(and(eq(probes.runId, runId), eq(probes.idx, idx), isNull(probes.build)));
  return (await storedBuild(d1, runId, idx)) ?? build;
}

/** The builds stored so far by probes of one cell of a run: a suite, a length and a range of items (RULER: one task's samples). */
export async function cellBuilds(d1: D1Database, runId: string, cell: { suiteIndex: number; contextLength: number; items: [from: number, to: number] }): Promise<ProbeBuild[]> {
  const rows = await database(d1)
    .select({ build: probes.build })
    .from(probes)
    .where(and(eq(probes.runId, runId), eq(probes.suiteIndex, cell.suiteIndex), eq(probes.contextLength, cell.contextLength), between(probes.item, cell.items[0], cell.items[1]), isNotNull(probes.build)))
    .limit(8)
    .all();
  return rows.flatMap((row) => (row.build ? [row.build] : []));
}

/** One settled probe's call: its expected prompt tokens, the completion tokens reported, its latency. */
export interface LatencySample {
  tokens: number;
  completionTokens: number;
  latencyMs: number;
}

/** (prompt tokens, completion tokens, latency) of scored probes of this endpoint and model in its most recent runs. */
export async function latencySamples(d1: D1Database, baseUrl: string, model: string, limit: number): Promise<LatencySample[]> {
  const db = database(d1);
  const recentRuns = db
    .select({ id: runs.id })
    .from(runs)
    .where(and(sql`json_extract(${runs.model}, '$.base_url') = ${baseUrl}`, sql`json_extract(${runs.model}, '$.model') = ${model}`))
    .orderBy(desc(runs.createdAt))
    .limit(20);
  const rows = await db
    .select({ tokens: probes.expectedPromptTokens, completionTokens: probes.completionTokens, latencyMs: probes.latencyMs })
    .from(probes)
    .where(and(inArray(probes.runId, recentRuns), eq(probes.status, "scored"), sql`${probes.latencyMs} IS NOT NULL`, sql`${probes.expectedPromptTokens} IS NOT NULL`))
    .limit(limit)
    .all();
  return rows.map((r) => ({ tokens: r.tokens!, completionTokens: r.completionTokens ?? 0, latencyMs: r.latencyMs! }));
}

export type SettledCellProbe = SettledProbe & { idx: number; settledAt: number | null };

/**
 * The run's settled probes (anything but pending), in idx order, with what makes their heatmap cell:
 * all of them, or (`since`) those settled at or after that time, by the (run_id, settled_at) index.
 */
export async function settledCellProbes(d1: D1Database, runId: string, since?: number): Promise<SettledCellProbe[]> {
  return database(d1)
    .select({ idx: probes.idx, suiteIndex: probes.suiteIndex, status: probes.status, contextLength: probes.contextLength, depthPercent: probes.depthPercent, item: probes.item, scores: probes.scores, settledAt: probes.settledAt })
    .from(probes)
    .where(since === undefined ? and(eq(probes.runId, runId), ne(probes.status, "pending")) : and(eq(probes.runId, runId), gte(probes.settledAt, since)))
    .orderBy(asc(probes.idx))
    .all();
}

/** The most prompt tokens the server reported for a truncated probe of the run: about where it cuts. */
export async function truncatedTo(d1: D1Database, runId: string): Promise<number | null> {
  const row = await d1.prepare("SELECT max(prompt_tokens) AS most FROM probes WHERE run_id = ? AND status = 'truncated'").bind(runId).first<{ most: number | null }>();
  return row?.most ?? null;
}
