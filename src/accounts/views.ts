// Accounts and tokens as the API shows them: never a secret, a token itself only once.
import { iso } from "../common/time";
import type { Account, ApiToken } from "../contract/accounts";
import type { AccountRow, ApiTokenRow } from "../db/schema";

export function accountView(a: AccountRow, generatedSecret?: string): Account {
  return {
    id: a.id,
    name: a.name,
    runs_per_day: a.runsPerDay,
    webhook: a.webhookUrl ? { url: a.webhookUrl, secret_set: true, ...(generatedSecret ? { secret: generatedSecret } : {}) } : null,
    created_at: iso(a.createdAt),
  };
}

export function tokenView(t: ApiTokenRow, token?: string): ApiToken {
  return {
    id: t.id,
    account_id: t.accountId,
    name: t.name,
    created_at: iso(t.createdAt),
    last_used_at: iso(t.lastUsedAt),
    revoked_at: iso(t.revokedAt),
    ...(token ? { token } : {}),
  };
}
