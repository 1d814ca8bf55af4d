// What a submission must pass before anything is planned or stored: the service's caps, the SSRF
// guard on every user-supplied URL, a key ring to seal secrets with, the account's daily quota.
import { openDefaultWebhook } from "../accounts/accounts";
import type { DailyUsage, RunCaps } from "../accounts/caps";
import { DomainError, invalid, type FieldIssue } from "../common/errors";
import { outboundGuard } from "../config";
import type { CreateRunRequest } from "../contract/run-request";
import { keyRing, SecretsConfigError } from "../security/secrets";

export type AccountWebhook = { url: string; secret: string };

export function checkConcurrency(request: CreateRunRequest, caps: RunCaps): void {
  if (request.model.max_concurrency > caps.maxConcurrency) {
    throw invalid([{ pointer: "/model/max_concurrency", detail: `at most ${caps.maxConcurrency} on this service`, in: "body" }], () => "");
  }
}

/** True when base_url is this very service's reference models: such calls stay inside the Worker. */
export function isOwnReferenceUrl(baseUrl: string, origin: string, publicOrigin?: string): boolean {
  const url = new URL(baseUrl);
  const origins = [origin, publicOrigin ? new URL(publicOrigin).origin : null];
  return origins.includes(url.origin) && /^\/reference\/v1\/?$/.test(url.pathname);
}

/**
 * Every user-supplied URL passes the same SSRF guard (host names resolved), dry runs included; all
 * refusals are listed. A resolver that fails refuses too (fail closed), saying so.
 */
export async function checkUrls(env: Env, request: CreateRunRequest, internal: boolean, accountDefault: AccountWebhook | null): Promise<void> {
  const guard = outboundGuard(env);
  const refused: FieldIssue[] = [];
  const check = async (url: string, pointer: string, detail = (reason: string) => reason) => {
    const verdict = await guard.check(url);
    if (!verdict.ok) refused.push({ pointer, detail: detail(verdict.reason), in: "body" });
  };
  if (!internal) await check(request.model.base_url, "/model/base_url");
  if (request.webhook) await check(request.webhook.url, "/webhook/url");
  // The account's default webhook, checked again: the policy (and DNS) may have changed since it was set.
  if (accountDefault) await check(accountDefault.url, "/webhook", (reason) => `the account's default webhook is refused: ${reason}; set another or send "webhook": null`);
  if (refused.length) throw invalid(refused, (n) => `${n} URLs are not allowed; see errors[]`, "endpoint-rejected-url");
}

/** The account's default webhook with its secret opened, or null without one. */
export async function accountDefaultWebhook(env: Env, accountId: string): Promise<AccountWebhook | null> {
  try {
    return await openDefaultWebhook(env, accountId);
  } catch (error) {
    // E.g. the key that sealed it was retired from SECRETS_KEYS: it must be set again.
    console.error(JSON.stringify({ event: "account.webhook_secret_unusable", account_id: accountId, error: error instanceof Error ? error.name : "error" }));
    throw new DomainError("unavailable", "secrets-unavailable", "the account's default webhook secret cannot be opened; set it again with PUT /v1/account/webhook, or send \"webhook\": null");
  }
}

/** Refused when the service has no key ring to seal a secret with (never a crash, never plaintext). */
export async function requireSecretsStorage(env: Env, what: string): Promise<void> {
  try {
    await keyRing(env.SECRETS_KEYS);
  } catch (error) {
    if (!(error instanceof SecretsConfigError)) throw error;
    throw new DomainError("unavailable", "secrets-unavailable", `secrets storage not configured: ${what} cannot be stored (the service has no SECRETS_KEYS key ring)`);
  }
}

export function quotaExceeded(usage: DailyUsage): DomainError {
  const retryAfterS = Math.max(1, usage.retryAfterS);
  return new DomainError("quota-exceeded", "quota-exceeded", `this account may submit ${usage.limit} runs per 24 h and has submitted ${usage.used}; retry in ${retryAfterS} s`, {
    retryAfterS,
    extra: { "violated-policies": ["daily"] },
  });
}
