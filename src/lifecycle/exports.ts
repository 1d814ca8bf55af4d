// A run's probes for export (GET /v1/runs/{id}/probes as CSV): every probe, read a page at a time so
// a 5,000-probe run never sits in memory with all its responses, and the score names they carry.
import type { Principal } from "../accounts/principal";
import type { Probe } from "../contract/run";
import { visibleRun } from "./access";
import { pageProbes, settledProbes } from "./store/probes";
import { probeView } from "./views";

const EXPORT_PAGE = 500;

export interface ProbeExport {
  /** Every score name any probe has, in the order they first appear (idx order). */
  scoreNames: string[];
  pages: AsyncGenerator<Probe[]>;
}

/** The run must be visible to the viewer (a not-found error otherwise, before anything is read). */
export async function probeExport(env: Env, viewer: Principal | null, id: string, pageSize = EXPORT_PAGE): Promise<ProbeExport> {
  await visibleRun(env, viewer, id);
  const names = new Set<string>();
  for (const p of await settledProbes(env.DB, id)) for (const name of Object.keys(p.scores ?? {})) names.add(name);
  return { scoreNames: [...names], pages: probePages(env.DB, id, pageSize) };
}

async function* probePages(d1: D1Database, id: string, pageSize: number): AsyncGenerator<Probe[]> {
  let after = -1;
  for (;;) {
    const rows = await pageProbes(d1, id, after, pageSize);
    if (rows.length) yield rows.map(probeView);
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.idx;
  }
}
