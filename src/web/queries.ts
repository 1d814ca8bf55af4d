// Read-only D1 queries the pages need beyond src/lifecycle/store.ts.
import { eq } from "drizzle-orm";
import { runs, type RunRow } from "../db/schema";
import { getRun, type Db } from "../lifecycle/store";

export type RunProgress = Pick<RunRow, "status" | "public" | "total" | "done" | "failed" | "unscorable">;

/** Just the counters: the SSE stream polls this every second, so it skips the JSON columns. */
export async function runProgress(db: Db, id: string): Promise<RunProgress | undefined> {
  return db
    .select({ status: runs.status, public: runs.public, total: runs.total, done: runs.done, failed: runs.failed, unscorable: runs.unscorable })
    .from(runs)
    .where(eq(runs.id, id))
    .get();
}

/** A run the public pages may show: private runs are treated as absent. */
export async function publicRun(db: Db, id: string): Promise<RunRow | undefined> {
  const run = await getRun(db, id);
  return run && run.public === 1 ? run : undefined;
}

export const isFinished = (status: RunRow["status"]) => status === "succeeded" || status === "failed" || status === "cancelled";
