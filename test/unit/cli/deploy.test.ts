// The deploy flow against a fake Cloudflare account (./deploy-account.ts) on a copy of the real
// wrangler.toml: missing resources are created, existing ones are not, a dry run only reads; and
// the real script's dry run, as a child process, offline and logged out.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { runDeploy, type DeployIO } from "../../../src/cli/deploy/execute";
import { generatedSecretsFile } from "../../../src/cli/deploy/secrets";
import { parseDevVars } from "../../../src/cli/local-service";
import { keyRing } from "../../../src/security/secrets";
import { emptyAccount, FakeAccount, READ_ONLY } from "./deploy-account";

const ROOT = resolve(__dirname, "../../..");
const dirs: string[] = [];

/** A project folder with copies of wrangler.toml, .dev.vars.example and the migrations. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "ctxprobe-deploy-"));
  dirs.push(dir);
  for (const name of ["wrangler.toml", ".dev.vars.example", "migrations"]) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  return join(dir, "wrangler.toml");
}

afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function io(account: FakeAccount, env: Record<string, string> = {}): DeployIO & { lines: string[] } {
  const lines: string[] = [];
  return { runner: account.runner, log: (line) => lines.push(line), env, lines };
}

const databaseIdIn = (configPath: string) => (parse(readFileSync(configPath, "utf8")) as { d1_databases: { database_id: string }[] }).d1_databases[0]!.database_id;

describe("npm run deploy against a fake account", () => {
  it("creates what is missing (D1 and its id, three queues, the bucket, both secrets), then deploys", async () => {
    const configPath = project();
    const account = new FakeAccount(emptyAccount());
    const out = io(account);
    await runDeploy({ configPath, dryRun: false }, out);

    expect(account.changes()).toEqual([
      "d1 create ctxprobe",
      "d1 migrations apply DB --remote",
      "queues create ctxprobe-probes",
      "queues create ctxprobe-webhooks",
      "queues create ctxprobe-probes-dlq",
      "r2 bucket create ctxprobe-blobs",
      "secret put ADMIN_TOKEN",
      "secret put SECRETS_KEYS",
      "deploy",
    ]);
    expect(databaseIdIn(configPath)).toBe(account.state.databases.get("ctxprobe"));
    // Generated secrets: valid, kept in the git-ignored file (mode 600), and never printed.
    const admin = account.state.secrets.get("ADMIN_TOKEN")!;
    const keys = account.state.secrets.get("SECRETS_KEYS")!;
    await expect(keyRing(keys)).resolves.toMatchObject({ current: { kid: expect.any(String) } });
    expect(admin.length).toBeGreaterThanOrEqual(32);
    const file = generatedSecretsFile(configPath);
    expect(parseDevVars(readFileSync(file, "utf8"))).toEqual({ ADMIN_TOKEN: admin, SECRETS_KEYS: keys });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out.lines.join("\n")).not.toContain(admin);
    expect(out.lines.join("\n")).not.toContain(keys.split(":")[1]);
  });

  it("is idempotent: a second deploy reports every resource as existing and creates nothing", async () => {
    const configPath = project();
    const account = new FakeAccount(emptyAccount());
    await runDeploy({ configPath, dryRun: false }, io(account));
    const secrets = new Map(account.state.secrets);
    account.calls.length = 0;

    const again = io(account);
    const steps = await runDeploy({ configPath, dryRun: false }, again);
    expect(account.changes()).toEqual(["d1 migrations apply DB --remote", "deploy"]);
    expect(steps.filter((s) => ["d1", "queue", "r2", "secret"].includes(s.kind)).map((s) => `${s.name}: ${s.state}`)).toEqual([
      "ctxprobe: exists",
      "ctxprobe-probes: exists",
      "ctxprobe-webhooks: exists",
      "ctxprobe-probes-dlq: exists",
      "ctxprobe-blobs: exists",
      "ADMIN_TOKEN: exists",
      "SECRETS_KEYS: exists",
    ]);
    expect(again.lines).toContain("D1 database ctxprobe: exists — D1 database, binding DB; database_id in wrangler.toml matches");
    expect(account.state.secrets).toEqual(secrets);
    expect(account.state.deploys).toBe(2);
  });

  it("creates only the missing ones, and takes a secret from the environment after checking it", async () => {
    const configPath = project();
    const state = emptyAccount();
    state.databases.set("ctxprobe", "9e1f0000-1111-2222-3333-444444444444");
    state.queues.add("ctxprobe-probes").add("ctxprobe-webhooks").add("unrelated-queue");
    state.buckets.add("ctxprobe-blobs");
    state.workerExists = true;
    state.secrets.set("ADMIN_TOKEN", "kept");
    const account = new FakeAccount(state);
    const keys = "k1:" + Buffer.alloc(32, 7).toString("base64");
    await runDeploy({ configPath, dryRun: false }, io(account, { SECRETS_KEYS: keys }));

    expect(account.changes()).toEqual(["d1 migrations apply DB --remote", "queues create ctxprobe-probes-dlq", "secret put SECRETS_KEYS", "deploy"]);
    expect(databaseIdIn(configPath)).toBe("9e1f0000-1111-2222-3333-444444444444");
    expect(account.state.secrets.get("SECRETS_KEYS")).toBe(keys);
    expect(account.state.secrets.get("ADMIN_TOKEN")).toBe("kept");
  });

  it("refuses a malformed secret from the environment before changing anything", async () => {
    const account = new FakeAccount(emptyAccount());
    const env = { SECRETS_KEYS: "k1:c2hvcnQ=", ADMIN_TOKEN: "short" };
    await expect(runDeploy({ configPath: project(), dryRun: false }, io(account, env))).rejects.toThrow(
      "$ADMIN_TOKEN: ADMIN_TOKEN must be a random string of at least 32 characters; $SECRETS_KEYS: SECRETS_KEYS key k1 must be 32 bytes, got 5; nothing was changed",
    );
    expect(account.changes()).toEqual([]);
  });

  it("a dry run reports each state and runs only read-only commands; logged out, it changes nothing and a real deploy stops", async () => {
    const configPath = project();
    const state = emptyAccount();
    state.queues.add("ctxprobe-probes");
    const account = new FakeAccount(state);
    const out = io(account);
    await runDeploy({ configPath, dryRun: true }, out);
    expect(account.calls.every((c) => READ_ONLY.some((re) => re.test(c.args)))).toBe(true);
    expect(out.lines).toContain("queue ctxprobe-probes: exists — producer binding PROBES; consumed (batch 6, timeout 0 s, concurrency 250, retries 8, retry delay 2 s, dead letters to ctxprobe-probes-dlq)");
    expect(out.lines).toContain("    would run: wrangler queues create ctxprobe-probes-dlq");
    expect(out.lines.filter((l) => l.startsWith("secret ")).every((l) => l.includes(": missing —") && l.includes("creates it as a draft"))).toBe(true);
    expect(databaseIdIn(configPath)).toBe("00000000-0000-0000-0000-000000000000");

    const loggedOut = new FakeAccount({ ...emptyAccount(), loggedIn: false });
    await expect(runDeploy({ configPath, dryRun: false }, io(loggedOut))).rejects.toThrow("cannot deploy before every resource can be checked");
    expect(loggedOut.changes()).toEqual([]);
  });
});

describe("the deploy script itself", () => {
  it("`tsx src/cli/deploy.ts --dry-run` prints the full plan offline and logged out, exit code 0", async () => {
    const home = mkdtempSync(join(tmpdir(), "ctxprobe-deploy-home-"));
    dirs.push(home);
    // A wrangler with no login of its own (fresh config folder, no API token).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CLOUDFLARE_")));
    const before = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "src/cli/deploy.ts", "--dry-run"], {
      cwd: ROOT,
      env: { ...env, XDG_CONFIG_HOME: home, HOME: home },
    });
    expect(stdout).toContain("could not check: not logged in to Cloudflare");
    for (const line of [
      "if missing, would run: wrangler d1 create ctxprobe",
      "would run: wrangler d1 migrations apply DB --remote",
      "if missing, would run: wrangler queues create ctxprobe-probes",
      "if missing, would run: wrangler queues create ctxprobe-webhooks",
      "if missing, would run: wrangler queues create ctxprobe-probes-dlq",
      "if missing, would run: wrangler r2 bucket create ctxprobe-blobs",
      "if missing, would run: wrangler secret put ADMIN_TOKEN",
      "if missing, would run: wrangler secret put SECRETS_KEYS",
      "Durable Object migration v1: by wrangler deploy",
      "Durable Object migration v2: by wrangler deploy",
      'cron "* * * * *": by wrangler deploy',
      "would run: wrangler deploy",
    ])
      expect(stdout).toContain(line);
    expect(readFileSync(join(ROOT, "wrangler.toml"), "utf8")).toBe(before);
    expect(stdout).toMatch(/dry run: 12 steps, 10 actions planned; nothing was run that changes anything\.\n$/);
  }, 60_000);
});
