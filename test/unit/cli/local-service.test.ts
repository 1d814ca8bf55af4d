// Local secrets of `npm start` / `npm run demo` (.dev.vars) and of e2e state folders.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureDevVars, localSecretVars, parseDevVars } from "../../../src/cli/local-service";
import { keyRing } from "../../../src/security/secrets";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "ctxprobe-devvars-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(".dev.vars", () => {
  it("is created once with a random admin token and a usable key ring, readable only by its owner", async () => {
    const path = join(tempDir(), ".dev.vars");
    const first = ensureDevVars(path);
    expect(first.created).toBe(true);
    expect(first.vars.ADMIN_TOKEN).toMatch(/^ctp_admin_[A-Za-z0-9_-]{43}$/);
    await expect(keyRing(first.vars.SECRETS_KEYS)).resolves.toBeDefined();
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(parseDevVars(readFileSync(path, "utf8"))).toEqual(first.vars);

    const second = ensureDevVars(path);
    expect(second.created).toBe(false);
    expect(second.vars).toEqual(first.vars);
    expect(ensureDevVars(join(tempDir(), ".dev.vars")).vars.ADMIN_TOKEN).not.toBe(first.vars.ADMIN_TOKEN);
  });

  it("keeps what the developer wrote and only appends what is missing", () => {
    const path = join(tempDir(), ".dev.vars");
    writeFileSync(path, '# mine\nADMIN_TOKEN="my-own-token"\nOTHER=1');
    const result = ensureDevVars(path);
    expect(result.vars.ADMIN_TOKEN).toBe("my-own-token");
    const text = readFileSync(path, "utf8");
    expect(text.startsWith('# mine\nADMIN_TOKEN="my-own-token"\nOTHER=1\n')).toBe(true);
    expect(parseDevVars(text)).toMatchObject({ ADMIN_TOKEN: "my-own-token", OTHER: "1", SECRETS_KEYS: result.vars.SECRETS_KEYS });
  });
});

describe("a state folder's secrets", () => {
  it("keeps the same admin token and key ring across restarts, and adds a token to an older folder", () => {
    const dir = tempDir();
    const first = localSecretVars(dir);
    expect(first.ADMIN_TOKEN).toMatch(/^ctp_admin_/);
    expect(localSecretVars(dir)).toEqual(first);

    const older = tempDir();
    writeFileSync(join(older, "ctxprobe-local-secrets.json"), JSON.stringify({ SECRETS_KEYS: first.SECRETS_KEYS }));
    const upgraded = localSecretVars(older);
    expect(upgraded.SECRETS_KEYS).toBe(first.SECRETS_KEYS);
    expect(upgraded.ADMIN_TOKEN).toMatch(/^ctp_admin_/);
    expect(localSecretVars(older)).toEqual(upgraded);
  });
});
