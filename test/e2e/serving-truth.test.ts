// Serving truth for real: wrangler dev evaluates a server this test runs on loopback, one that
// counts prompts in cl100k_base and keeps only their last 2,048 tokens without saying so (as
// Ollama does past its num_ctx), through the ctxprobe CLI as a CI job would. The cut probes are
// `truncated`, not wrong; the summary warns and the gate fails unless --allow-mismatch; a
// tokenizer that is not the server's is stopped by the CLI's preflight before anything is submitted.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTokenizer } from "../../src/probes/tokenizers";
import { freePort, startService } from "./support";

const NEEDLE_ANSWER = "eat a sandwich and sit in Dolores Park on a sunny day.";
const WINDOW = 2048;

let service: Awaited<ReturnType<typeof startService>>;
let server: Server;
let baseUrl: string;

/** Completions that count in cl100k_base and silently keep the last WINDOW tokens of the prompt. */
async function startCuttingServer(): Promise<void> {
  const tokenizer = await loadTokenizer("cl100k_base");
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // Completions only: no tokenize, info or model routes (the preflight asks for them).
    if (req.method !== "POST" || req.url !== "/v1/completions") return void res.writeHead(404).end();
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { prompt: string };
    const sent = tokenizer.encode(body.prompt).length;
    const text = sent > WINDOW ? "The text does not say." : NEEDLE_ANSWER;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ choices: [{ index: 0, text, finish_reason: "stop" }], usage: { prompt_tokens: Math.min(sent, WINDOW), completion_tokens: 12 } }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${port}/v1`;
}

beforeAll(async () => {
  [service] = await Promise.all([startService(), startCuttingServer()]);
});

afterAll(async () => {
  service?.cleanup();
  await new Promise((resolve) => server?.close(resolve));
});

function ctxprobe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CTXPROBE_"))), CTXPROBE_TOKEN: service.adminToken ?? "" };
    execFile(process.execPath, ["src/cli/bin.mjs", ...args], { env, timeout: 240_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const evalArgs = (...more: string[]) => ["eval", "--url", service.url, "--base-url", baseUrl, "--model", "cutting", "--lengths", "1000,4000", "--depths", "0,50,100", ...more];

describe("a server that cuts prompts to 2,048 tokens", () => {
  it("yields truncated probes and a warning; the gate fails on them unless --allow-mismatch", async () => {
    const gated = await ctxprobe(evalArgs("--wait", "--fail-under", "50", "--metric", "contains"));
    expect(gated.code, gated.stderr + gated.stdout).toBe(1);
    expect(gated.stdout).toContain("ok   tokenizer_agreement");
    expect(gated.stdout).toMatch(/progress 6\/6 probes {3}failed 0 {3}unscorable 0 {3}truncated 3/);
    expect(gated.stdout).toContain("WARNING (truncated): the server cut 3 of 6 prompts to ≈ 2,048 tokens: check num_ctx / max_model_len");
    expect(gated.stdout).toContain("PASS: headline needle contains 100.00 ≥ 50"); // the cut probes are not wrong answers
    expect(gated.stdout).toContain("FAIL: the run's lengths are not what they claim (truncated)");

    const allowed = await ctxprobe(evalArgs("--wait", "--fail-under", "50", "--metric", "contains", "--allow-mismatch"));
    expect(allowed.code, allowed.stderr + allowed.stdout).toBe(0);
    expect(allowed.stdout).toContain("WARNING (truncated)");
  });

  it("is found by --discover-window, which marks the longer length", async () => {
    const result = await ctxprobe(evalArgs("--context-window", "8192", "--discover-window", "--wait", "--json"));
    const run = JSON.parse(result.stdout);
    expect(run.preflight.discovered_window).toMatchObject({ failure: "cut" });
    expect(run.preflight.discovered_window.accepts_up_to).toBeGreaterThan(WINDOW - 256);
    expect(run.warnings.find((w: { code: string }) => w.code === "beyond_window")).toMatchObject({ lengths: [4000] });
  });

  it("stops a tokenizer that is not the server's at the CLI's preflight: nothing is submitted", async () => {
    const result = await ctxprobe(evalArgs("--tokenizer", "llama2", "--wait"));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL tokenizer_agreement +llama2 counts \d+ tokens for a fixed prompt, the server \d+/);
    expect(result.stdout).toContain("nothing was submitted");
    expect(result.stdout).not.toContain("submitted run_");
  });
});
