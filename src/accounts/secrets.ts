// Secrets at rest, sealed with AES-GCM (src/security/secrets.ts) under a context that names their
// owner, so a sealed value copied into another row does not open: a run's endpoint API key
// (sealed at submission, opened by the consumer right before each call), a run's webhook signing
// secret, an account's default webhook secret. Neither a key nor a reason that could contain it is
// ever logged or stored in plaintext.
import type { RunRow } from "../db/schema";
import { openSecret, sealSecret } from "../security/secrets";

export const apiKeyContext = (runId: string) => `run:${runId}:api_key`;
export const webhookSecretContext = (runId: string) => `run:${runId}:webhook_secret`;
export const accountWebhookSecretContext = (accountId: string) => `account:${accountId}:webhook_secret`;

/** Seals a key for a new run. Throws SecretsConfigError when the service has no key ring. */
export function sealRunApiKey(env: Env, runId: string, apiKey: string): Promise<string> {
  return sealSecret(env.SECRETS_KEYS, apiKey, apiKeyContext(runId));
}

/** Seals a run's webhook signing secret. Throws SecretsConfigError when the service has no key ring. */
export function sealRunWebhookSecret(env: Env, runId: string, secret: string): Promise<string> {
  return sealSecret(env.SECRETS_KEYS, secret, webhookSecretContext(runId));
}

export type OpenedKey = { ok: true; apiKey: string | null } | { ok: false; reason: string };

/** The run's key in plaintext for one call; a failure carries a reason safe to store on the probe. */
export async function openRunApiKey(env: Env, run: Pick<RunRow, "id" | "apiKeySealed">): Promise<OpenedKey> {
  if (!run.apiKeySealed) return { ok: true, apiKey: null };
  try {
    return { ok: true, apiKey: await openSecret(env.SECRETS_KEYS, run.apiKeySealed, apiKeyContext(run.id)) };
  } catch (error) {
    // The messages of secrets.ts name key ids and causes, never the secret.
    return { ok: false, reason: `the endpoint API key cannot be opened: ${error instanceof Error ? error.message : "unknown error"}` };
  }
}
