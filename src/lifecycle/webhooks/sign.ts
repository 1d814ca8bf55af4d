// Standard Webhooks signatures (scheme v1): base64 HMAC-SHA256 over `msg_id.timestamp.body`, keyed
// by the secret's decoded bytes. WebCrypto only, so it runs in workerd and Node alike.
import { bytesToBase64, parseWebhookSecret } from "../../security/webhook-secret";

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    const parsed = parseWebhookSecret(secret);
    if (!parsed.ok) return Promise.reject(new Error(`not a webhook secret: ${parsed.reason}`));
    key = crypto.subtle.importKey("raw", parsed.key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    // A handful of secrets per isolate at most; never let the cache grow without bound.
    if (keyCache.size > 256) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/** `v1,<base64 signature>` for one attempt. */
export async function signPayload(secret: string, msgId: string, timestampS: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(`${msgId}.${timestampS}.${body}`));
  return `v1,${bytesToBase64(new Uint8Array(mac))}`;
}

/** The three headers of one attempt: the id stays, the timestamp (and so the signature) is per attempt. */
export async function signedHeaders(secret: string, msgId: string, timestampS: number, body: string): Promise<SignedHeaders> {
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(timestampS),
    "webhook-signature": await signPayload(secret, msgId, timestampS, body),
  };
}
