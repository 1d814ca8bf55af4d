// End-to-end support: a free port, the real local service, and an OpenAI-compatible endpoint
// served by the test itself on loopback.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalService, type LocalService } from "../../src/cli/local-service";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The Authorization header for a bearer token (none without one). */
export const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/**
 * Starts the real service in a fresh state folder. `service.adminToken` is its admin token (random
 * per state folder, unless `vars.ADMIN_TOKEN` sets one): send it to submit runs.
 */
export async function startService(
  vars: Record<string, string> = {},
  options: { output?: "inherit" | "ignore" | "pipe" } = {},
): Promise<LocalService & { stateDir: string; port: number; cleanup(): void }> {
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-e2e-"));
  const port = await freePort();
  const output = options.output ?? (process.env.E2E_VERBOSE ? "inherit" : "ignore");
  const service = await startLocalService({ port, persistTo: stateDir, output, vars });
  return {
    ...service,
    stateDir,
    port,
    cleanup() {
      service.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
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
  calls: ReceivedCall[];
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
    calls.push(call);
    const text = answer(call);
    const chat = req.url?.endsWith("/chat/completions");
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
  return { url: `http://127.0.0.1:${port}/v1`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
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
