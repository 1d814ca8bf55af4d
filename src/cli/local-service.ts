// Starts the Worker locally with wrangler (workerd + local D1, Queues and Durable Objects),
// after applying the D1 migrations. Shared by `npm start` and `npm run demo`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { generateKeyEntry } from "../security/secrets";

export interface LocalService {
  url: string;
  process: ChildProcess;
  stop(): void;
}

const WRANGLER = ["node_modules/wrangler/bin/wrangler.js"];

export function applyMigrations(persistTo?: string): void {
  const args = [...WRANGLER, "d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" }, encoding: "utf8" });
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

/**
 * Secrets a local service needs (the key ring that seals API keys at rest), kept beside its state
 * so a restarted service still opens what it sealed before. Without a state folder (the default
 * `.wrangler/state`), `npm start`'s .dev.vars provides them instead.
 */
export function localSecretVars(persistTo?: string): Record<string, string> {
  if (!persistTo) return {};
  const file = join(persistTo, "ctxprobe-local-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const secrets = { SECRETS_KEYS: generateKeyEntry("local") };
  mkdirSync(persistTo, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

export interface StartOptions {
  port: number;
  persistTo?: string;
  /** Where wrangler's own output goes: "inherit" shows it, "ignore" hides it. */
  output?: "inherit" | "ignore" | "pipe";
  vars?: Record<string, string>;
  /**
   * Starts wrangler in its own process group, so `process.kill(-pid, signal)` reaches workerd too
   * (the crash test kills the whole service with SIGKILL). The caller must then stop it itself.
   */
  detached?: boolean;
}

export async function startLocalService(options: StartOptions): Promise<LocalService> {
  applyMigrations(options.persistTo);
  const vars = { ALLOW_LOOPBACK_ENDPOINTS: "true", ...localSecretVars(options.persistTo), ...options.vars };
  const args = [
    ...WRANGLER,
    "dev",
    "--port",
    String(options.port),
    "--ip",
    "127.0.0.1",
    "--show-interactive-dev-session=false",
    ...(options.persistTo ? ["--persist-to", options.persistTo] : []),
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", options.output ?? "inherit", options.output ?? "inherit"],
    env: { ...process.env },
    detached: options.detached ?? false,
  });
  const url = `http://127.0.0.1:${options.port}`;
  await waitForService(url, 90_000, child);
  return {
    url,
    process: child,
    stop: () => {
      child.kill("SIGTERM");
    },
  };
}
