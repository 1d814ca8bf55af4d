import { describe, expect, it } from "vitest";
import { generateKeyEntry, openSecret, sealSecret, sealedKeyId, SecretOpenError, SecretsConfigError } from "../../../src/security/secrets";

describe("secrets at rest (AES-GCM)", () => {
  const ring = generateKeyEntry("k1");

  it("seals to an opaque value that names its key and opens back", async () => {
    const sealed = await sealSecret(ring, "sk-MARKER-123", "run:r1:api_key");
    expect(sealed).toMatch(/^v1\.k1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("MARKER");
    expect(sealedKeyId(sealed)).toBe("k1");
    expect(await openSecret(ring, sealed, "run:r1:api_key")).toBe("sk-MARKER-123");
  });

  it("uses a fresh IV each time", async () => {
    const a = await sealSecret(ring, "same", "ctx");
    const b = await sealSecret(ring, "same", "ctx");
    expect(a).not.toBe(b);
  });

  it("refuses another owner's context and tampered ciphertext", async () => {
    const sealed = await sealSecret(ring, "secret", "run:r1:api_key");
    await expect(openSecret(ring, sealed, "run:r2:api_key")).rejects.toBeInstanceOf(SecretOpenError);
    const parts = sealed.split(".");
    const flipped = parts[3]!.startsWith("A") ? "B" + parts[3]!.slice(1) : "A" + parts[3]!.slice(1);
    await expect(openSecret(ring, [parts[0], parts[1], parts[2], flipped].join("."), "run:r1:api_key")).rejects.toBeInstanceOf(SecretOpenError);
  });

  it("rotates: the first key seals, older keys still open", async () => {
    const old = generateKeyEntry("old");
    const sealedWithOld = await sealSecret(old, "v", "c");
    const rotated = `${generateKeyEntry("new")},${old}`;
    expect(await openSecret(rotated, sealedWithOld, "c")).toBe("v");
    expect(sealedKeyId(await sealSecret(rotated, "v", "c"))).toBe("new");
    await expect(openSecret(generateKeyEntry("new"), sealedWithOld, "c")).rejects.toThrow(/no longer configured/);
  });

  it("refuses a missing or malformed key ring", async () => {
    await expect(sealSecret(undefined, "v", "c")).rejects.toBeInstanceOf(SecretsConfigError);
    await expect(sealSecret("k1:c2hvcnQ=", "v", "c")).rejects.toThrow(/32 bytes/);
    await expect(sealSecret("nokid", "v", "c")).rejects.toBeInstanceOf(SecretsConfigError);
  });
});
