// Which runs a caller may read and change: a private run of someone else does not exist for them
// (not found, as for an unknown id); a public run of someone else may be read but not changed.
import { canManage, canSee, type Principal } from "../accounts/principal";
import { DomainError, notFound } from "../common/errors";
import type { RunRow } from "../db/schema";
import { getRun } from "./store/runs";

const noRun = (id: string) => notFound(`no run with id ${id}`);

/** A run the viewer may read. */
export async function visibleRun(env: Env, viewer: Principal | null, id: string): Promise<RunRow> {
  const run = await getRun(env.DB, id);
  if (!run || !canSee(viewer, run)) throw noRun(id);
  return run;
}

/** A run the principal may change: not found if invisible, forbidden if visible but not theirs. */
export async function managedRun(env: Env, principal: Principal, id: string): Promise<RunRow> {
  const run = await visibleRun(env, principal, id);
  if (!canManage(principal, run)) throw new DomainError("forbidden", "forbidden", `run ${id} belongs to another account`);
  return run;
}
