// What a live run page follows besides its counters: the cells of the probes settled so far (their
// score columns only, never responses), and the endpoint's limiter. The stream (src/web/events.ts)
// asks for cells only when the run's `done` moved, so an idle run costs one counter read a second.
import { and, asc, eq, ne } from "drizzle-orm";
import type { EndpointLimit } from "../contract/limits";
import { database } from "../db/database";
import { probes, type RunRow } from "../db/schema";
import type { SettledProbe } from "../probes/suites/suite";
import { limiterOfRun } from "./limiter/limiter";

export type SettledCellProbe = SettledProbe & { idx: number };

/** The run's settled probes (anything but pending), in idx order, with what makes their heatmap cell. */
export async function settledCellProbes(env: Env, runId: string): Promise<SettledCellProbe[]> {
  return database(env.DB)
    .select({ idx: probes.idx, suiteIndex: probes.suiteIndex, status: probes.status, contextLength: probes.contextLength, depthPercent: probes.depthPercent, item: probes.item, scores: probes.scores })
    .from(probes)
    .where(and(eq(probes.runId, runId), ne(probes.status, "pending")))
    .orderBy(asc(probes.idx))
    .all();
}

/** The limiter of the run's endpoint and credential now (as GET /v1/runs/{id}/endpoint-limit shows it); null when it cannot be asked. */
export async function runEndpointLimit(env: Env, run: Pick<RunRow, "id" | "model" | "credential" | "accountId">): Promise<EndpointLimit | null> {
  try {
    const limiter = limiterOfRun(env, run);
    return { ...(await limiter.stub.status()), endpoint: limiter.endpoint };
  } catch (error) {
    console.error(JSON.stringify({ event: "live.limiter_error", run_id: run.id, error: String(error) }));
    return null;
  }
}
