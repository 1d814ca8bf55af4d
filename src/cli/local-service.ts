// Starts the Worker locally with wrangler (workerd + local D1, Queues and Durable Objects),
// after applying the D1 migrations. Shared by `npm start` and `npm run demo`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { generateKeyEntry } from "../security/secrets";

export interface LocalService {
  url: string;
  process: ChildProcess;
  /** The admin bearer token the service was started with (its ADMIN_TOKEN), if known. */
  adminToken: string | undefined;
  stop(): void;
}

const WRANGLER = ["node_modules/wrangler/bin/wrangler.js"];

export function applyMigrations(persistTo?: string): void {
  const args = [...WRANGLER, "d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...wranglerEnv(), CI: "true" }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`applying D1 migrations failed:\n${result.stdout}\n${result.stderr}`);
}

export async function waitForService(url: string, timeoutMs = 60_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`wrangler exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/openapi.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the local service did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/** A random admin token, in the same format as account tokens. */
export function generateAdminToken(): string {
  return `ctp_admin_${randomBytes(32).toString("base64url")}`;
}

/**
 * Secrets a local service needs (the key ring that seals API keys at rest and the admin token),
 * kept beside its state so a restarted service still opens what it sealed before and accepts the
 * same token. Without a state folder (the default `.wrangler/state`), `npm start`'s .dev.vars
 * provides them instead (see ensureDevVars).
 */
export function localSecretVars(persistTo?: string): Record<string, string> {
  if (!persistTo) return {};
  const file = join(persistTo, "ctxprobe-local-secrets.json");
  const secrets: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
  // A state folder from before tokens existed gains an admin token on its next start.
  if (secrets.SECRETS_KEYS && secrets.ADMIN_TOKEN) return secrets;
  secrets.SECRETS_KEYS ??= generateKeyEntry("local");
  secrets.ADMIN_TOKEN ??= generateAdminToken();
  mkdirSync(persistTo, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** Reads KEY=value lines (wrangler's .dev.vars format; quotes optional). */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    vars[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return vars;
}

export const DEV_VARS_FILE = ".dev.vars";

/**
 * The local secrets of `npm start` and `npm run demo` (no state folder): `.dev.vars` in the project,
 * which wrangler reads by itself. Created on first start with a random ADMIN_TOKEN and a
 * SECRETS_KEYS entry; missing entries are appended, existing ones never changed.
 */
export function ensureDevVars(path = DEV_VARS_FILE): { path: string; vars: Record<string, string>; created: boolean } {
  const existing = existsSync(path) ? readFileSync(path, "utf8") : null;
  const vars = existing === null ? {} : parseDevVars(existing);
  const added: string[] = [];
  if (!vars.ADMIN_TOKEN) added.push(`ADMIN_TOKEN=${(vars.ADMIN_TOKEN = generateAdminToken())}`);
  if (!vars.SECRETS_KEYS) added.push(`SECRETS_KEYS=${(vars.SECRETS_KEYS = generateKeyEntry("local"))}`);
  if (added.length) {
    const header = existing === null ? "# Local secrets of ctxprobe (git-ignored). ADMIN_TOKEN is the admin bearer token; SECRETS_KEYS seals API keys at rest.\n" : "";
    const separator = existing && !existing.endsWith("\n") ? "\n" : "";
    writeFileSync(path, (existing ?? "") + separator + header + added.join("\n") + "\n", { mode: 0o600 });
  }
  return { path: resolve(path), vars, created: existing === null };
}

/**
 * wrangler dev's environment. CLOUDFLARE_CF_FETCH_ENABLED=false (read by miniflare) stops it fetching
 * the `Request.cf` object from workers.cloudflare.com, which offline prints a stack trace on every
 * (re)load; ctxprobe never reads `request.cf`, and miniflare's placeholder is what it falls back to anyway.
 */
export function wranglerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, CLOUDFLARE_CF_FETCH_ENABLED: "false" };
}

/** What `npm start` prints once the service answers: where things are and how to use the admin token. */
export function startBanner(url: string, devVars: { path: string; created: boolean }): string {
  return [
    "",
    `ctxprobe is running at ${url}`,
    `  leaderboard page  ${url}/`,
    `  JSON API          ${url}/v1   (e.g. ${url}/v1/leaderboard, ${url}/v1/runs)`,
    `  API docs          ${url}/docs`,
    `  admin token       ADMIN_TOKEN in ${devVars.path} (${devVars.created ? "created now" : "kept from before"}; SECRETS_KEYS there seals API keys)`,
    // The token itself is not printed (terminal logs outlive it); this reads it from the file.
    "Send the admin token as a bearer token, with the CLI (CTXPROBE_TOKEN) or curl:",
    `  export CTXPROBE_TOKEN=$(sed -n 's/^ADMIN_TOKEN=//p' ${devVars.path})`,
    `  curl -H "Authorization: Bearer $CTXPROBE_TOKEN" ${url}/v1/account`,
    "",
  ].join("\n");
}

export interface StartOptions {
  port: number;
  persistTo?: string;
  /** Where wrangler's own output goes: "inherit" shows it, "ignore" hides it. */
  output?: "inherit" | "ignore" | "pipe";
  vars?: Record<string, string>;
  /** With output "pipe": also write wrangler's stdout and stderr to this file (the e2e tests' service logs). */
  logFile?: string;
  /**
   * The state folder is a copy of one whose D1 has every migration applied (the e2e tests copy one
   * folder migrated once per test run): skip `wrangler d1 migrations apply`, a wrangler start of its own.
   */
  migrated?: boolean;
  /** The DevTools inspector's port (wrangler's default 9229 otherwise): services started side by side need their own. */
  inspectorPort?: number;
  /**
   * Starts wrangler in its own process group, so `process.kill(-pid, signal)` reaches workerd too
   * (the crash test kills the whole service with SIGKILL). The caller must then stop it itself.
   */
  detached?: boolean;
}

export async function startLocalService(options: StartOptions): Promise<LocalService> {
  if (!options.migrated) applyMigrations(options.persistTo);
  // Without a state folder the secrets live in .dev.vars, which wrangler reads itself (--var wins over it).
  const devVars = options.persistTo ? null : ensureDevVars();
  const vars: Record<string, string> = { ALLOW_LOOPBACK_ENDPOINTS: "true", ...localSecretVars(options.persistTo), ...options.vars };
  const args = [
    ...WRANGLER,
    "dev",
    "--port",
    String(options.port),
    "--ip",
    "127.0.0.1",
    "--show-interactive-dev-session=false",
    ...(options.persistTo ? ["--persist-to", options.persistTo] : []),
    ...(options.inspectorPort ? ["--inspector-port", String(options.inspectorPort)] : []),
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", options.output ?? "inherit", options.output ?? "inherit"],
    env: wranglerEnv(),
    detached: options.detached ?? false,
  });
  if (options.logFile) teeToFile(child, options.logFile);
  const url = `http://127.0.0.1:${options.port}`;
  await waitForService(url, 90_000, child);
  return {
    url,
    process: child,
    adminToken: vars.ADMIN_TOKEN ?? devVars?.vars.ADMIN_TOKEN,
    stop: () => {
      child.kill("SIGTERM");
    },
  };
}

// Written as it arrives (not through a buffered stream), so a failing test reads all output so far.
function teeToFile(child: ChildProcess, path: string): void {
  const fd = openSync(path, "w");
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => writeSync(fd, chunk));
  child.once("close", () => closeSync(fd));
}
