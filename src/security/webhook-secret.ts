// Standard Webhooks signing secrets: `whsec_` + standard base64 of 24–64 random bytes. Pure TS (no
// Cloudflare imports): the request schema validates with it and tests run it in Node.

export const SECRET_PREFIX = "whsec_";
export const SECRET_MIN_BYTES = 24;
export const SECRET_MAX_BYTES = 64;
/** Bytes of a secret we generate: 32, the middle of the spec's range (Svix does the same). */
export const GENERATED_SECRET_BYTES = 32;

// Standard alphabet with padding only: the reference libraries decode exactly this form, so a
// url-safe or unpadded secret would verify differently on the receiver's side.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The key bytes of a valid secret, or a reason why it is not one. */
export function parseWebhookSecret(secret: string): { ok: true; key: Uint8Array } | { ok: false; reason: string } {
  if (!secret.startsWith(SECRET_PREFIX)) return { ok: false, reason: `must start with "${SECRET_PREFIX}"` };
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded) || encoded === "") return { ok: false, reason: `must be "${SECRET_PREFIX}" followed by standard base64 (A–Z, a–z, 0–9, +, /, = padding)` };
  const key = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  if (key.length < SECRET_MIN_BYTES || key.length > SECRET_MAX_BYTES) {
    return { ok: false, reason: `decodes to ${key.length} bytes; ${SECRET_MIN_BYTES}–${SECRET_MAX_BYTES} random bytes are required` };
  }
  return { ok: true, key };
}

export function generateWebhookSecret(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return SECRET_PREFIX + bytesToBase64(random(new Uint8Array(GENERATED_SECRET_BYTES)));
}
