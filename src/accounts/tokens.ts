// Bearer API tokens. A token is `ctp_` + 32 random bytes (base64url): high entropy, so its plain
// SHA-256 is a safe lookup key (no slow hash needed) and the token itself is never stored. The admin
// token is a Worker secret (ADMIN_TOKEN); it acts for the built-in `admin` account.
import { sha256Hex } from "../common/hash";
import { ADMIN_ACCOUNT_ID, type Principal } from "./principal";
import { liveTokenByHash, touchToken } from "./store";

export const TOKEN_PREFIX = "ctp_";

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function generateToken(): string {
  return TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** SHA-256 (hex) of a token: the only form in which tokens are stored. */
export const tokenHash = (token: string): Promise<string> => sha256Hex(token);

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
  const row = await liveTokenByHash(env.DB, hash);
  if (!row) return null;
  await touchToken(env.DB, row.id, Date.now(), LAST_USED_RESOLUTION_MS);
  return { accountId: row.accountId, admin: false, tokenId: row.id };
}
