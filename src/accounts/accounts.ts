// Accounts and bearer API tokens. A token is `ctp_` + 32 random bytes (base64url): high entropy, so
// its plain SHA-256 is a safe lookup key (no slow hash needed) and the token itself is never stored.
// The admin token is a Worker secret (ADMIN_TOKEN); it acts for the built-in `admin` account.
import type { AccountRow, ApiTokenRow } from "../db/schema";

export const ADMIN_ACCOUNT_ID = "admin";
export const TOKEN_PREFIX = "ctp_";

/** Who a request acts as. */
export interface Principal {
  accountId: string;
  admin: boolean;
  /** Null for the admin token (it has no row). */
  tokenId: string | null;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const randomId = (prefix: string) => `${prefix}${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;

export function generateToken(): string {
  return TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** SHA-256 (hex) of a token: the only form in which tokens are stored. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Equal-length comparison that does not stop at the first difference. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// last_used_at is written at most once a minute per token: reads should not all become writes.
const LAST_USED_RESOLUTION_MS = 60_000;

/** The principal a bearer token stands for, or null when it is unknown or revoked. */
export async function authenticate(env: Env, token: string): Promise<Principal | null> {
  const hash = await tokenHash(token);
  // Hashes compared, not the tokens: both sides have the same length whatever was sent.
  if (env.ADMIN_TOKEN && constantTimeEqual(hash, await tokenHash(env.ADMIN_TOKEN))) {
    return { accountId: ADMIN_ACCOUNT_ID, admin: true, tokenId: null };
  }
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await env.DB.prepare(`SELECT id, account_id FROM api_tokens WHERE hash = ? AND revoked_at IS NULL`)
    .bind(hash)
    .first<{ id: string; account_id: string }>();
  if (!row) return null;
  const now = Date.now();
  await env.DB.prepare(`UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`)
    .bind(now, row.id, now - LAST_USED_RESOLUTION_MS)
    .run();
  return { accountId: row.account_id, admin: false, tokenId: row.id };
}

interface AccountDbRow {
  id: string;
  name: string;
  created_at: number;
  runs_per_day: number | null;
  webhook_url: string | null;
  webhook_secret: string | null;
}

const accountOf = (r: AccountDbRow): AccountRow => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  runsPerDay: r.runs_per_day,
  webhookUrl: r.webhook_url,
  webhookSecret: r.webhook_secret,
});

/** The sealing context of an account's default webhook secret (a sealed value opens only here). */
export function accountWebhookSecretContext(accountId: string): string {
  return `account:${accountId}:webhook_secret`;
}

/** Sets (or, with null, removes) the account's default webhook; the secret arrives sealed. */
export async function setAccountWebhook(env: Env, accountId: string, webhook: { url: string; secretSealed: string } | null): Promise<AccountRow | null> {
  const row = await env.DB.prepare(`UPDATE accounts SET webhook_url = ?, webhook_secret = ? WHERE id = ? RETURNING *`)
    .bind(webhook?.url ?? null, webhook?.secretSealed ?? null, accountId)
    .first<AccountDbRow>();
  return row ? accountOf(row) : null;
}

interface TokenDbRow {
  id: string;
  account_id: string;
  hash: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const tokenOf = (r: TokenDbRow): ApiTokenRow => ({
  id: r.id,
  accountId: r.account_id,
  hash: r.hash,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export async function getAccount(env: Env, id: string): Promise<AccountRow | null> {
  const row = await env.DB.prepare(`SELECT * FROM accounts WHERE id = ?`).bind(id).first<AccountDbRow>();
  return row ? accountOf(row) : null;
}

export async function getToken(env: Env, id: string): Promise<ApiTokenRow | null> {
  const row = await env.DB.prepare(`SELECT * FROM api_tokens WHERE id = ?`).bind(id).first<TokenDbRow>();
  return row ? tokenOf(row) : null;
}

function tokenInsert(env: Env, accountId: string, name: string, hash: string, now: number) {
  return env.DB.prepare(`INSERT INTO api_tokens (id, account_id, hash, name, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *`).bind(
    randomId("tok_"),
    accountId,
    hash,
    name,
    now,
  );
}

/** Creates an account with its first token; the token is returned here and never again. */
export async function createAccount(env: Env, name: string, runsPerDay: number | null, tokenName: string) {
  const now = Date.now();
  const id = randomId("acc_");
  const token = generateToken();
  const [account, tokenRow] = await env.DB.batch<AccountDbRow | TokenDbRow>([
    env.DB.prepare(`INSERT INTO accounts (id, name, created_at, runs_per_day) VALUES (?, ?, ?, ?) RETURNING *`).bind(id, name, now, runsPerDay),
    tokenInsert(env, id, tokenName, await tokenHash(token), now),
  ]);
  return { account: accountOf(account!.results[0] as AccountDbRow), token, tokenRow: tokenOf(tokenRow!.results[0] as TokenDbRow) };
}

/** A new token for an existing account, or null when there is no such account. */
export async function createToken(env: Env, accountId: string, name: string) {
  if (!(await getAccount(env, accountId))) return null;
  const token = generateToken();
  const row = await tokenInsert(env, accountId, name, await tokenHash(token), Date.now()).first<TokenDbRow>();
  return { token, tokenRow: tokenOf(row!) };
}

/** Revokes a token (a second revocation keeps the first time); null when there is no such token. */
export async function revokeToken(env: Env, id: string): Promise<ApiTokenRow | null> {
  const row = await env.DB.prepare(`UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *`)
    .bind(Date.now(), id)
    .first<TokenDbRow>();
  return row ? tokenOf(row) : null;
}
