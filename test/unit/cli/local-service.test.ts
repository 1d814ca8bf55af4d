// Local secrets of `npm start` / `npm run demo` (.dev.vars) and of e2e state folders.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureDevVars, localSecretVars, parseDevVars, startBanner, wranglerEnv } from "../../../src/cli/local-service";
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

describe("npm start", () => {
  it("names the leaderboard page, the API base, the docs and how to use the admin token, but never prints the token", () => {
    const path = join(tempDir(), ".dev.vars");
    const devVars = ensureDevVars(path);
    const lines = startBanner("http://127.0.0.1:8787", devVars).split("\n");
    expect(lines).toContain("  leaderboard page  http://127.0.0.1:8787/");
    expect(lines.find((line) => line.includes("JSON API"))).toMatch(/ http:\/\/127\.0\.0\.1:8787\/v1 /);
    expect(lines).toContain("  API docs          http://127.0.0.1:8787/docs");
    expect(lines.find((line) => line.includes("leaderboard page"))).not.toContain("/v1/leaderboard");
    expect(lines.find((line) => line.includes("admin token"))).toContain(`ADMIN_TOKEN in ${devVars.path} (created now`);
    expect(lines).toContain(`  export CTXPROBE_TOKEN=$(sed -n 's/^ADMIN_TOKEN=//p' ${devVars.path})`);
    expect(lines.join("\n")).not.toContain(devVars.vars.ADMIN_TOKEN!);
    expect(startBanner("http://127.0.0.1:8787", ensureDevVars(path))).toContain("(kept from before");
  });

  it("runs wrangler without fetching the Request.cf object (offline it prints a stack trace)", () => {
    expect(wranglerEnv({ PATH: "/bin" })).toEqual({ PATH: "/bin", CLOUDFLARE_CF_FETCH_ENABLED: "false" });
  });
});
