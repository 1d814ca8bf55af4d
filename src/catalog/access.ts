// Who may use an upload: everything uploaded belongs to an account. A public corpus or dataset is
// visible to every account; a private one (the default) to its uploader and the admin only — to
// anyone else it does not exist, in listings, in runs and in prompt rebuilds. Built-ins are public.
import type { Principal } from "../accounts/principal";

export type Viewer = Principal | null;

export interface Owner {
  accountId: string | null;
  public: number;
}

export function canUse(viewer: Viewer, owner: Owner): boolean {
  return owner.public === 1 || (viewer !== null && (viewer.admin || (owner.accountId !== null && viewer.accountId === owner.accountId)));
}

/** The principal a run's own work acts as: its account (the admin account's runs may use anything). */
export function runOwner(run: { accountId: string | null }, adminAccountId: string): Viewer {
  if (run.accountId === null) return null;
  return { accountId: run.accountId, admin: run.accountId === adminAccountId, tokenId: null };
}
