// `npm run deploy [-- --dry-run] [--config wrangler.toml]`: creates or checks every Cloudflare
// resource wrangler.toml names (D1 and its migrations, queues and dead-letter queue, R2 bucket),
// sets the Worker's missing secrets, then `wrangler deploy` (which also applies the Durable Object
// migrations, queue consumers and crons). Idempotent; --dry-run only reads (src/cli/deploy/).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline/promises";
import { DeployError, runDeploy } from "./deploy/execute";
import type { RunOptions, RunResult, Runner } from "./deploy/inventory";

const WRANGLER_BIN = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");

/** Runs the project's own wrangler against the given config; captured unless `show`. */
export function wranglerRunner(configPath: string): Runner {
  return (args: string[], options: RunOptions = {}) =>
    new Promise<RunResult>((done) => {
      const stdin = options.input !== undefined ? "pipe" : options.show ? "inherit" : "ignore";
      const out = options.show ? "inherit" : "pipe";
      const child = spawn(process.execPath, [WRANGLER_BIN, ...args, "--config", configPath], {
        cwd: dirname(configPath),
        stdio: [stdin, out, out],
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      if (options.input !== undefined) child.stdin?.end(options.input);
      child.on("error", (error) => done({ code: 1, stdout, stderr: String(error) }));
      child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
    });
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  let values: { "dry-run"?: boolean; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { "dry-run": { type: "boolean" }, config: { type: "string" }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    console.error(`${String(error instanceof Error ? error.message : error)}\nusage: npm run deploy -- [--dry-run] [--config wrangler.toml]`);
    return 2;
  }
  if (values.help) {
    console.log("usage: npm run deploy -- [--dry-run] [--config wrangler.toml]\n  --dry-run  print each resource, its state and the commands it needs; change nothing");
    return 0;
  }
  const configPath = resolve(values.config ?? "wrangler.toml");
  try {
    await runDeploy(
      { configPath, dryRun: values["dry-run"] ?? false },
      { runner: wranglerRunner(configPath), log: (line) => console.log(line), env: process.env, ask: process.stdin.isTTY ? ask : undefined },
    );
    return 0;
  } catch (error) {
    console.error(error instanceof DeployError || error instanceof Error ? `deploy: ${error.message}` : error);
    return 1;
  }
}

process.exitCode = await main();
