// Who a request acts as, and what that lets it see and change. A private run is invisible to
// everyone but its account and the admin; cancelling and the like belong to the run's account.
import type { RunRow } from "../db/schema";

/** The built-in account the admin token acts for (it runs the reference baselines, soaks and benchmarks). */
export const ADMIN_ACCOUNT_ID = "admin";

export interface Principal {
  accountId: string;
  admin: boolean;
  /** Null for the admin token (it has no row). */
  tokenId: string | null;
}

/** Public runs are visible to everyone; private ones to their account and the admin. */
export function canSee(principal: Principal | null, run: Pick<RunRow, "public" | "accountId">): boolean {
  return run.public === 1 || canManage(principal, run);
}

/** Cancelling, redelivering and the like: the run's account or the admin. */
export function canManage(principal: Principal | null, run: Pick<RunRow, "accountId">): boolean {
  return principal !== null && (principal.admin || principal.accountId === run.accountId);
}
