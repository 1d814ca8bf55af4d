// What a live run page follows besides its counters: the cells of the probes settled so far (their
// score columns only, never responses), and the endpoint's limiter. The stream (src/web/events.ts)
// asks for cells only when the run's `done` moved, so an idle run costs one counter read a second.
import type { EndpointLimit } from "../contract/limits";
import type { RunRow } from "../db/schema";
import { limiterOfRun } from "./limiter/limiter";
import { settledCellProbes, type SettledCellProbe } from "./store/probes";

/**
 * A probe's settled_at is its consumer's clock when it settled, and its row lands a round trip
 * later: a read may see a later settlement before an earlier one. Each read goes back this far
 * before the latest it has seen (rows of the last minute, not the whole run).
 */
const SETTLE_SKEW_MS = 60_000;

/**
 * A stream's view of the run's settled probes: all of them at first, then those settled since
 * shortly before the last read's latest (a stream reads each second while `done` moves; a
 * 5,000-probe run would otherwise read every settled row each time). Probes settle once (pending →
 * settled, never back); cancelled ones carry no settled_at, so a finished run is read whole again.
 */
export class SettledCells {
  private readonly byIdx = new Map<number, SettledCellProbe>();
  private latest: number | undefined;

  constructor(
    private readonly env: Env,
    private readonly runId: string,
  ) {}

  async read(finished: boolean): Promise<SettledCellProbe[]> {
    const since = finished || this.latest === undefined ? undefined : this.latest - SETTLE_SKEW_MS;
    for (const row of await settledCellProbes(this.env.DB, this.runId, since)) {
      this.byIdx.set(row.idx, row);
      if (row.settledAt !== null) this.latest = Math.max(this.latest ?? row.settledAt, row.settledAt);
    }
    this.latest ??= 0;
    return [...this.byIdx.values()].sort((a, b) => a.idx - b.idx);
  }
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
