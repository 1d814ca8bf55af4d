// Per-run and per-account caps (OWASP API4: unrestricted resource consumption). Each one is a var
// with a default; an account may carry its own daily run cap.
import { envNumber } from "../config";
import { ADMIN_ACCOUNT_ID } from "./principal";
import { getAccount, nthRunCreatedSince, runsCreatedSince } from "./store";

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface RunCaps {
  maxProbes: number;
  maxContextLength: number;
  maxConcurrency: number;
  runsPerDay: number;
}

export function runCaps(env: Env): RunCaps {
  return {
    maxProbes: envNumber(env.MAX_PROBES_PER_RUN, 5000),
    maxContextLength: envNumber(env.MAX_CONTEXT_LENGTH, 131072),
    maxConcurrency: envNumber(env.MAX_CONCURRENCY_PER_RUN, 64),
    runsPerDay: envNumber(env.RUNS_PER_ACCOUNT_PER_DAY, 100),
  };
}

export interface DailyUsage {
  /** Null when the account has no cap (the admin account). */
  limit: number | null;
  used: number;
  /** Seconds until the oldest counted run leaves the 24 h window; 0 while runs remain. */
  retryAfterS: number;
}

/**
 * Runs the account submitted in the last 24 h against its cap. The submission route checks it
 * first to refuse early; insertRun checks the count again in the insert itself, so a burst of
 * parallel submissions cannot overshoot the cap.
 */
export async function dailyRunUsage(env: Env, accountId: string, now = Date.now()): Promise<DailyUsage> {
  const since = now - DAY_MS;
  const used = await runsCreatedSince(env.DB, accountId, since);
  // The operator's own account is not capped: it runs the reference baselines, soaks and benchmarks.
  if (accountId === ADMIN_ACCOUNT_ID) return { limit: null, used, retryAfterS: 0 };
  const account = await getAccount(env.DB, accountId);
  const limit = account?.runsPerDay ?? runCaps(env).runsPerDay;
  if (used < limit) return { limit, used, retryAfterS: 0 };
  // A slot frees when enough of the oldest counted runs have turned 24 h old to bring the count
  // below the cap (more than one if a lowered cap or an overshoot left it above).
  const at = (await nthRunCreatedSince(env.DB, accountId, since, used - limit)) ?? now;
  return { limit, used, retryAfterS: Math.max(1, Math.ceil((at + DAY_MS - now) / 1000)) };
}
