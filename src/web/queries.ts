// Read-only D1 queries the pages need beyond src/lifecycle/store.ts.
import { eq } from "drizzle-orm";
import { runs, type RunRow } from "../db/schema";
import { getRun, type Db } from "../lifecycle/store";
import type { Principal } from "../accounts/accounts";
import { canSee } from "../http/auth";

export type RunProgress = Pick<RunRow, "status" | "public" | "accountId" | "total" | "done" | "failed" | "unscorable">;

/** Just the counters: the SSE stream polls this every second, so it skips the JSON columns. */
export async function runProgress(db: Db, id: string): Promise<RunProgress | undefined> {
  return db
    .select({ status: runs.status, public: runs.public, accountId: runs.accountId, total: runs.total, done: runs.done, failed: runs.failed, unscorable: runs.unscorable })
    .from(runs)
    .where(eq(runs.id, id))
    .get();
}

/** A run the pages may show this viewer: a private run only to its account and the admin, else absent. */
export async function visibleRunFor(db: Db, id: string, viewer: Principal | null): Promise<RunRow | undefined> {
  const run = await getRun(db, id);
  return run && canSee(viewer, run) ? run : undefined;
}

export const isFinished = (status: RunRow["status"]) => status === "succeeded" || status === "failed" || status === "cancelled";
