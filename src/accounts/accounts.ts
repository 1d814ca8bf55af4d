// Accounts: created by the admin with their first token; more tokens; revocation; who a token acts
// for; the default webhook of an account's runs (its secret sealed for the account, re-sealed for
// each run). Answers in the contract's shapes (./views.ts).
import { DomainError, notFound } from "../common/errors";
import { newId } from "../common/ids";
import { outboundGuard } from "../config";
import type { Account, ApiToken } from "../contract/accounts";
import type { WebhookSpec } from "../contract/run-request";
import type { ApiTokenRow } from "../db/schema";
import { openSecret, sealSecret, SecretsConfigError } from "../security/secrets";
import { generateWebhookSecret } from "../security/webhook-secret";
import { dailyRunUsage } from "./caps";
import type { Principal } from "./principal";
import { accountWebhookSecretContext } from "./secrets";
import { getAccount, getToken, insertAccount, insertToken, revokeToken, setAccountWebhook } from "./store";
import { generateToken, tokenHash } from "./tokens";
import { accountView, tokenView } from "./views";

async function newToken(accountId: string, name: string, now: number): Promise<{ token: string; row: ApiTokenRow }> {
  const token = generateToken();
  return { token, row: { id: newId("tok"), accountId, hash: await tokenHash(token), name, createdAt: now, lastUsedAt: null, revokedAt: null } };
}

/** Creates an account with its first token; the token is shown here and never again. */
export async function createAccount(env: Env, name: string, runsPerDay: number | null, tokenName: string): Promise<{ account: Account; token: ApiToken }> {
  const now = Date.now();
  const id = newId("acc");
  const first = await newToken(id, tokenName, now);
  const created = await insertAccount(env.DB, { id, name, createdAt: now, runsPerDay, webhookUrl: null, webhookSecret: null }, first.row);
  return { account: accountView(created.account), token: tokenView(created.token, first.token) };
}

/** Another token for an existing account, shown only here. */
export async function createToken(env: Env, accountId: string, name: string): Promise<ApiToken> {
  if (!(await getAccount(env.DB, accountId))) throw notFound(`no account with id ${accountId}`);
  const created = await newToken(accountId, name, Date.now());
  return tokenView(await insertToken(env.DB, created.row), created.token);
}

/** Revokes a token of the principal's account (the admin: any); another account's token is reported missing, so ids cannot be probed. */
export async function revokeTokenAs(env: Env, principal: Principal, id: string): Promise<ApiToken> {
  const existing = await getToken(env.DB, id);
  if (!existing || !(principal.admin || existing.accountId === principal.accountId)) throw notFound(`no token with id ${id}`);
  return tokenView((await revokeToken(env.DB, id, Date.now()))!);
}

async function ownAccount(env: Env, principal: Principal) {
  const account = await getAccount(env.DB, principal.accountId);
  if (!account) throw notFound(`account ${principal.accountId} no longer exists`);
  return account;
}

/** Whom a token acts for, and its account's runs in the last 24 h against its cap. */
export async function whoAmI(env: Env, principal: Principal) {
  const account = await ownAccount(env, principal);
  const usage = await dailyRunUsage(env, account.id);
  return { account: accountView(account), admin: principal.admin, token_id: principal.tokenId, runs_last_24h: usage.used, runs_per_day: usage.limit };
}

/** Sets the account's default webhook after the SSRF guard (host resolved); a generated secret is shown only in this answer. */
export async function setDefaultWebhook(env: Env, principal: Principal, spec: WebhookSpec): Promise<Account> {
  const verdict = await outboundGuard(env).check(spec.url);
  if (!verdict.ok) throw new DomainError("invalid", "validation-failed", `/url: ${verdict.reason}`, { fields: [{ pointer: "/url", detail: verdict.reason, in: "body" }] });
  const generated = spec.secret === undefined ? generateWebhookSecret() : undefined;
  let secretSealed: string;
  try {
    secretSealed = await sealSecret(env.SECRETS_KEYS, spec.secret ?? generated!, accountWebhookSecretContext(principal.accountId));
  } catch (error) {
    if (!(error instanceof SecretsConfigError)) throw error;
    throw new DomainError("unavailable", "secrets-unavailable", "webhook secrets cannot be stored: the service has no SECRETS_KEYS key ring configured");
  }
  const account = await setAccountWebhook(env.DB, principal.accountId, { url: spec.url, secretSealed });
  if (!account) throw notFound(`account ${principal.accountId} no longer exists`);
  return accountView(account, generated);
}

export async function removeDefaultWebhook(env: Env, principal: Principal): Promise<Account> {
  const account = await setAccountWebhook(env.DB, principal.accountId, null);
  if (!account) throw notFound(`account ${principal.accountId} no longer exists`);
  return accountView(account);
}

/** The account's default webhook with its secret opened, or null without one (throws when the secret no longer opens). */
export async function openDefaultWebhook(env: Env, accountId: string): Promise<{ url: string; secret: string } | null> {
  const account = await getAccount(env.DB, accountId);
  if (!account?.webhookUrl || !account.webhookSecret) return null;
  return { url: account.webhookUrl, secret: await openSecret(env.SECRETS_KEYS, account.webhookSecret, accountWebhookSecretContext(accountId)) };
}
