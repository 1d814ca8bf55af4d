// End-to-end support: a free port, the real local service, and an OpenAI-compatible endpoint
// served by the test itself on loopback.
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, expect, inject, type RunnerTask } from "vitest";
import { startLocalService, type LocalService, type StartOptions } from "../../src/cli/local-service";
import { freePort } from "../../src/cli/service-args";
import { LOG_DIR } from "../reporters/paths";

export { freePort } from "../../src/cli/service-args";

/** The Authorization header for a bearer token (none without one). */
export const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** Lines of a service log printed when a test of its file fails (the whole log stays in its file). */
const LOG_TAIL_LINES = 80;
const serviceLogs: { path: string; process?: ChildProcess }[] = [];

// Services' output (wrangler's and the Worker's console lines) goes to a file per service; when a
// test of this file failed (or a hook, e.g. a start-up), their tails are printed with the failure.
// This runs after the file's own afterAll (hooks run last-registered first), which stops the services.
afterAll(async ({}, file) => {
  if (!hasFailure(file)) return;
  for (const log of serviceLogs) {
    if (log.process && log.process.exitCode === null && log.process.signalCode === null) await Promise.race([once(log.process, "exit"), sleep(5_000)]);
    if (!existsSync(log.path)) continue;
    console.error(`--- last ${LOG_TAIL_LINES} lines of ${log.path} ---\n${readFileSync(log.path, "utf8").split("\n").slice(-LOG_TAIL_LINES).join("\n")}`);
  }
});

function hasFailure(task: RunnerTask): boolean {
  return task.result?.state === "fail" || ("tasks" in task && task.tasks.some(hasFailure));
}

/** Where a service's output goes: test-artifacts/logs/<test file>[-<n>].service.log (the next run overwrites it). */
function serviceLogPath(): string {
  mkdirSync(LOG_DIR, { recursive: true });
  const testFile = basename(expect.getState().testPath ?? "e2e").replace(/\.test\.ts$/, "");
  return `${LOG_DIR}/${testFile}${serviceLogs.length ? `-${serviceLogs.length + 1}` : ""}.service.log`;
}

/** Everything a service started by startService has printed so far ("" if E2E_VERBOSE showed it live). */
export const serviceLog = (service: { logPath: string | undefined }): string => (service.logPath ? readFileSync(service.logPath, "utf8") : "");

/**
 * Starts the real service in a fresh state folder. `service.adminToken` is its admin token (random
 * per state folder, unless `vars.ADMIN_TOKEN` sets one): send it to submit runs. Its output goes to
 * `service.logPath` (E2E_VERBOSE=1 shows it live instead); with output "pipe" a test may also read
 * `service.process.stdout`/`stderr` (from the moment it subscribes).
 */
export async function startService(
  vars: Record<string, string> = {},
  options: { output?: "inherit" | "pipe" } = {},
): Promise<LocalService & { stateDir: string; port: number; logPath: string | undefined; cleanup(): void }> {
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-e2e-"));
  // A copy of the state folder test/e2e/global-setup.ts migrated once for the whole run.
  cpSync(inject("migratedStateDir"), stateDir, { recursive: true });
  const output = options.output ?? (process.env.E2E_VERBOSE ? "inherit" : "pipe");
  const logPath = output === "pipe" ? serviceLogPath() : undefined;
  const log = logPath ? { path: logPath } : undefined;
  if (log) serviceLogs.push(log);
  const { service, port } = await startOnFreePorts({ persistTo: stateDir, migrated: true, output, vars, logFile: logPath });
  if (log) Object.assign(log, { process: service.process });
  return {
    ...service,
    stateDir,
    port,
    logPath,
    cleanup() {
      service.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Two e2e files run at once: each service needs its own port and inspector port. A port free when
 * chosen can still be taken before wrangler binds it; then wrangler exits saying so, and the start
 * is tried again on other ports (never another failure: those are the test's to see).
 */
async function startOnFreePorts(options: Omit<StartOptions, "port" | "inspectorPort">): Promise<{ service: LocalService; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { service: await startLocalService({ ...options, port, inspectorPort: await freePort() }), port };
    } catch (error) {
      const log = options.logFile && existsSync(options.logFile) ? readFileSync(options.logFile, "utf8") : "";
      if (attempt >= 3 || !log.includes("Address already in use")) throw error;
    }
  }
}

export interface ReceivedCall {
  path: string;
  body: { model: string; prompt?: string; messages?: { role: string; content: string }[]; max_tokens: number; temperature: number };
  sha256: string;
  authorization: string | undefined;
  /** The answer function may set the usage.prompt_tokens to report. */
  reportedPromptTokens?: number;
}

export interface FakeEndpoint {
  url: string;
  /** Probe calls (a run's preflight calls, marked x-ctxprobe-purpose, are in `preflightCalls`). */
  calls: ReceivedCall[];
  preflightCalls: ReceivedCall[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** An OpenAI-compatible server that answers every question with `answer(call)`. */
export async function startFakeEndpoint(answer: (call: ReceivedCall) => string): Promise<FakeEndpoint> {
  const calls: ReceivedCall[] = [];
  const preflightCalls: ReceivedCall[] = [];
  const server: Server = createServer(async (req, res) => {
    // The service asks a new run's endpoint about itself (GET /v1/models, /version, /info …): this one has no such routes.
    if (req.method === "GET") {
      res.statusCode = 404;
      res.end();
      return;
    }
    const raw = await readBody(req);
    const body = JSON.parse(raw) as ReceivedCall["body"];
    const fingerprint = body.messages ? JSON.stringify(body.messages) : (body.prompt ?? "");
    const call: ReceivedCall = { path: req.url ?? "", body, sha256: createHash("sha256").update(fingerprint, "utf8").digest("hex"), authorization: req.headers.authorization };
    const chat = req.url?.endsWith("/chat/completions");
    if (req.headers["x-ctxprobe-purpose"] === "preflight") {
      // Answered like a server that reports no usage: its chars/4 counts are no tokenizer to calibrate against.
      preflightCalls.push(call);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ choices: [chat ? { index: 0, message: { role: "assistant", content: "" }, finish_reason: "length" } : { index: 0, text: "", finish_reason: "length" }] }));
      return;
    }
    calls.push(call);
    const text = answer(call);
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        id: `x-${calls.length}`,
        object: chat ? "chat.completion" : "text_completion",
        choices: [chat ? { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" } : { index: 0, text, finish_reason: "stop" }],
        usage: { prompt_tokens: call.reportedPromptTokens ?? Math.round(fingerprint.length / 4), completion_tokens: 20 },
      }),
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/v1`, calls, preflightCalls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function waitForRun(base: string, id: string, timeoutMs = 240_000, token?: string): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await fetch(`${base}/v1/runs/${id}`, { headers: bearer(token) })).json()) as Record<string, any>;
    if (["succeeded", "failed", "cancelled"].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status} (${JSON.stringify(run.progress)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function allProbes(base: string, id: string, token?: string): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  let cursor: string | null = null;
  do {
    const page = (await (await fetch(`${base}/v1/runs/${id}/probes?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { headers: bearer(token) })).json()) as { data: Record<string, any>[]; next_cursor: string | null };
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJson(url: string, token?: string): Promise<any> {
  const res = await fetch(url, { headers: bearer(token) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}
