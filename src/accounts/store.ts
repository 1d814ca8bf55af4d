// D1 access to accounts and their API tokens (only a token's SHA-256 is ever stored).
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { database } from "../db/database";
import { accounts, apiTokens, type AccountRow, type ApiTokenRow } from "../db/schema";

export async function getAccount(d1: D1Database, id: string): Promise<AccountRow | null> {
  return (await database(d1).select().from(accounts).where(eq(accounts.id, id)).get()) ?? null;
}

export async function getToken(d1: D1Database, id: string): Promise<ApiTokenRow | null> {
  return (await database(d1).select().from(apiTokens).where(eq(apiTokens.id, id)).get()) ?? null;
}

/** The live (unrevoked) token with this hash. */
export async function liveTokenByHash(d1: D1Database, hash: string): Promise<Pick<ApiTokenRow, "id" | "accountId"> | null> {
  const row = await database(d1).select({ id: apiTokens.id, accountId: apiTokens.accountId }).from(apiTokens).where(and(eq(apiTokens.hash, hash), isNull(apiTokens.revokedAt))).get();
  return row ?? null;
}

/** Notes a token's use, at most once per `resolutionMs` (reads should not all become writes). */
export async function touchToken(d1: D1Database, id: string, now: number, resolutionMs: number): Promise<void> {
  await database(d1)
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, now - resolutionMs))));
}

/** Inserts an account with its first token, atomically. */
export async function insertAccount(d1: D1Database, account: AccountRow, token: ApiTokenRow): Promise<{ account: AccountRow; token: ApiTokenRow }> {
  const db = database(d1);
  const [[created], [first]] = await db.batch([db.insert(accounts).values(account).returning(), db.insert(apiTokens).values(token).returning()]);
  return { account: created!, token: first! };
}

export async function insertToken(d1: D1Database, token: ApiTokenRow): Promise<ApiTokenRow> {
  const [created] = await database(d1).insert(apiTokens).values(token).returning();
  return created!;
}

/** Revokes a token (a second revocation keeps the first time); null when there is no such token. */
export async function revokeToken(d1: D1Database, id: string, now: number): Promise<ApiTokenRow | null> {
  const [row] = await database(d1)
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${now})` })
    .where(eq(apiTokens.id, id))
    .returning();
  return row ?? null;
}

/** Sets (or, with null, removes) the account's default webhook; the secret arrives sealed. */
export async function setAccountWebhook(d1: D1Database, accountId: string, webhook: { url: string; secretSealed: string } | null): Promise<AccountRow | null> {
  const [row] = await database(d1)
    .update(accounts)
    .set({ webhookUrl: webhook?.url ?? null, webhookSecret: webhook?.secretSealed ?? null })
    .where(eq(accounts.id, accountId))
    .returning();
  return row ?? null;
}

/** Runs the account created after `since`. */
export async function runsCreatedSince(d1: D1Database, accountId: string, since: number): Promise<number> {
  const row = await d1.prepare(`SELECT count(*) AS used FROM runs WHERE account_id = ? AND created_at > ?`).bind(accountId, since).first<{ used: number }>();
  return row?.used ?? 0;
}

/** The creation time of the account's `offset`-th run (oldest first) created after `since`. */
export async function nthRunCreatedSince(d1: D1Database, accountId: string, since: number, offset: number): Promise<number | null> {
  const row = await d1
    .prepare(`SELECT created_at FROM runs WHERE account_id = ? AND created_at > ? ORDER BY created_at LIMIT 1 OFFSET ?`)
    .bind(accountId, since, offset)
    .first<{ created_at: number }>();
  return row?.created_at ?? null;
}
