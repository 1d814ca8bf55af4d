// Ids: a prefix, the creation time in base 36 (so ids sort roughly by creation) and random base-36
// characters (so they cannot be guessed). Letters and digits only after the prefix: Standard
// Webhooks ids may not contain "." (they are part of the signed text).

export function newId(prefix: string, randomChars = 16): string {
  const random = crypto.getRandomValues(new Uint8Array(randomChars));
  return `${prefix}_${Date.now().toString(36)}${Array.from(random, (b) => (b % 36).toString(36)).join("")}`;
}
