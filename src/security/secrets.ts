// Secrets at rest: endpoint API keys and webhook signing secrets are sealed with AES-256-GCM
// (WebCrypto) before they reach D1, and opened only to make a call or sign a payload.
//
// The key ring comes from a Worker secret, SECRETS_KEYS: a comma-separated list of `kid:base64key`
// entries (32-byte keys). The first entry seals; every entry can open, so a key is rotated by
// putting the new key first and keeping the old one until no sealed value names it.
// A sealed value is `v1.<kid>.<iv>.<ciphertext>` (base64url), so it records which key sealed it.
// The sealed value is bound to its purpose and owner (additional data), so a ciphertext copied from
// one run or column into another does not open.

export class SecretsConfigError extends Error {
  override name = "SecretsConfigError";
}

export interface KeyRing {
  current: { kid: string; key: CryptoKey };
  byKid: Map<string, CryptoKey>;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

function base64ToBytes(b64: string): Uint8Array {
  const normal = b64.replace(/-/g, "+").replace(/_/g, "/");
  const padded = normal + "=".repeat((4 - (normal.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const ringCache = new Map<string, Promise<KeyRing>>();

/** Parses SECRETS_KEYS once per isolate. Throws SecretsConfigError when it is missing or malformed. */
export function keyRing(config: string | undefined): Promise<KeyRing> {
  if (!config || !config.trim()) return Promise.reject(new SecretsConfigError("SECRETS_KEYS is not configured: secrets cannot be stored"));
  let ring = ringCache.get(config);
  if (!ring) {
    ring = parseKeyRing(config);
    ringCache.set(config, ring);
    ring.catch(() => ringCache.delete(config));
  }
  return ring;
}

async function parseKeyRing(config: string): Promise<KeyRing> {
  const byKid = new Map<string, CryptoKey>();
  let current: KeyRing["current"] | undefined;
  for (const entry of config.split(",").map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(":");
    const kid = entry.slice(0, colon);
    if (colon < 1 || !KID.test(kid)) throw new SecretsConfigError("SECRETS_KEYS entries must look like kid:base64key");
    let raw: Uint8Array;
    try {
      raw = base64ToBytes(entry.slice(colon + 1));
    } catch {
      throw new SecretsConfigError(`SECRETS_KEYS key ${kid} is not base64`);
    }
    if (raw.length !== 32) throw new SecretsConfigError(`SECRETS_KEYS key ${kid} must be 32 bytes, got ${raw.length}`);
    if (byKid.has(kid)) throw new SecretsConfigError(`SECRETS_KEYS names key ${kid} twice`);
    const key = await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    byKid.set(kid, key);
    current ??= { kid, key };
  }
  if (!current) throw new SecretsConfigError("SECRETS_KEYS holds no key");
  return { current, byKid };
}

/** A fresh `kid:base64key` entry, e.g. for `npm start` to write into .dev.vars. */
export function generateKeyEntry(kid = `k${Date.now().toString(36)}`): string {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of raw) binary += String.fromCharCode(b);
  return `${kid}:${btoa(binary)}`;
}

/** What a sealed value belongs to, e.g. `run:<id>:api_key`; opening with another context fails. */
export type SecretContext = string;

export async function sealSecret(config: string | undefined, plaintext: string, context: SecretContext): Promise<string> {
  const ring = await keyRing(config);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) },
    ring.current.key,
    new TextEncoder().encode(plaintext),
  );
  return `v1.${ring.current.kid}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(ciphertext))}`;
}

export class SecretOpenError extends Error {
  override name = "SecretOpenError";
}

export async function openSecret(config: string | undefined, sealed: string, context: SecretContext): Promise<string> {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== "v1") throw new SecretOpenError("not a sealed secret");
  const [, kid, iv, ciphertext] = parts as [string, string, string, string];
  const ring = await keyRing(config);
  const key = ring.byKid.get(kid);
  if (!key) throw new SecretOpenError(`the key ${kid} that sealed this secret is no longer configured`);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64ToBytes(iv), additionalData: new TextEncoder().encode(context) },
      key,
      base64ToBytes(ciphertext),
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new SecretOpenError("the sealed secret does not open with its key (tampered, or sealed for another owner)");
  }
}

/** The key id a sealed value names (for rotation reports), or null. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split(".");
  return parts.length === 4 && parts[0] === "v1" ? (parts[1] ?? null) : null;
}
