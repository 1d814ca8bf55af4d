// A run's endpoint API key at rest: sealed at submission (context `run:<id>:api_key`, so a sealed
// value copied into another run does not open), opened by the consumer right before each call.
// Neither the key nor a reason that could contain it is ever logged or stored in plaintext.
import type { RunRow } from "../db/schema";
import { openSecret, sealSecret } from "../security/secrets";

export const apiKeyContext = (runId: string) => `run:${runId}:api_key`;

/** Seals a key for a new run. Throws SecretsConfigError when the service has no key ring. */
export function sealRunApiKey(env: Env, runId: string, apiKey: string): Promise<string> {
  return sealSecret(env.SECRETS_KEYS, apiKey, apiKeyContext(runId));
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
