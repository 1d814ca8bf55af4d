// A fake Cloudflare account behind the deploy script's runner: it answers the wrangler commands the
// script uses in wrangler 4.86.0's output formats (d1 list --json, the cli-table3 table of queues
// list paged two queues at a time, r2 bucket list's labelled blocks, secret list's JSON and its
// "Worker not found" error), changes its state on create/put/deploy, and records every call.
import { randomUUID } from "node:crypto";
import type { RunOptions, RunResult } from "../../../src/cli/deploy/inventory";

export interface AccountState {
  loggedIn: boolean;
  databases: Map<string, string>;
  queues: Set<string>;
  buckets: Set<string>;
  secrets: Map<string, string>;
  workerExists: boolean;
  deploys: number;
}

export function emptyAccount(): AccountState {
  return { loggedIn: true, databases: new Map(), queues: new Set(), buckets: new Set(), secrets: new Map(), workerExists: false, deploys: 0 };
}

/** Read-only commands: the only ones a dry run may call. */
export const READ_ONLY = [/^whoami --json$/, /^d1 list --json$/, /^queues list --page \d+$/, /^r2 bucket list$/, /^secret list$/];

/** A table as wrangler's logger.table (cli-table3, no colours) prints it. */
function table(rows: Record<string, string>[]): string {
  if (rows.length === 0) return "";
  const head = Object.keys(rows[0]!);
  const width = head.map((h) => Math.max(h.length, ...rows.map((r) => r[h]!.length)));
  const line = (cells: string[]) => `│${cells.map((c, i) => ` ${c.padEnd(width[i]!)} `).join("│")}│`;
  const rule = (l: string, m: string, r: string) => `${l}${width.map((w) => "─".repeat(w + 2)).join(m)}${r}`;
  return [rule("┌", "┬", "┐"), line(head), rule("├", "┼", "┤"), ...rows.map((r) => line(head.map((h) => r[h]!))), rule("└", "┴", "┘")].join("\n");
}

const ok = (stdout = ""): RunResult => ({ code: 0, stdout, stderr: "" });
const BANNER = "\n ⛅️ wrangler 4.86.0\n───────────────────\n";

function queuesPage(state: AccountState, page: number): string {
  const names = [...state.queues].slice((page - 1) * 2, page * 2);
  const rows = names.map((name, i) => ({ id: `q${page}${i}`, name, created_on: "2026-01-01T00:00:00Z", modified_on: "2026-01-01T00:00:00Z", producers: "1", consumers: "1" }));
  return BANNER + table(rows);
}

export class FakeAccount {
  readonly calls: { args: string; input?: string }[] = [];

  constructor(readonly state: AccountState) {}

  readonly runner = async (args: string[], options: RunOptions = {}): Promise<RunResult> => {
    const line = args.join(" ");
    this.calls.push({ args: line, input: options.input });
    const s = this.state;
    if (line === "whoami --json") return s.loggedIn ? ok(JSON.stringify({ loggedIn: true, authType: "User API Token", email: "ops@example.com", accounts: [] })) : { code: 1, stdout: '{"loggedIn":false}', stderr: "" };
    if (!s.loggedIn) return { code: 1, stdout: "", stderr: "✘ [ERROR] In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable" };
    if (line === "d1 list --json") return ok(JSON.stringify([...s.databases].map(([name, uuid]) => ({ uuid, name, created_at: "2026-01-01T00:00:00Z", version: "production", num_tables: 20, file_size: 123 })), null, 2));
    const page = /^queues list --page (\d+)$/.exec(line);
    if (page) return ok(queuesPage(s, Number(page[1])));
    if (line === "r2 bucket list") return ok(`${BANNER}Listing buckets...\n${[...s.buckets].map((b) => `name:           ${b}\ncreation_date:  2026-01-01T00:00:00.000Z`).join("\n\n")}\n`);
    if (line === "secret list") {
      if (!s.workerExists) return { code: 1, stdout: "", stderr: `✘ [ERROR] Worker "ctxprobe" not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.` };
      return ok(JSON.stringify([...s.secrets.keys()].map((name) => ({ name, type: "secret_text" })), null, "  "));
    }
    return this.change(args, options);
  };

  private change(args: string[], options: RunOptions): RunResult {
    const [a, b, c] = args;
    const s = this.state;
    if (a === "d1" && b === "create") s.databases.set(c!, randomUUID());
    else if (a === "d1" && b === "migrations" && c === "apply") return ok("✅ No migrations to apply!");
    else if (a === "queues" && b === "create") s.queues.add(c!);
    else if (a === "r2" && b === "bucket" && c === "create") s.buckets.add(args[3]!);
    else if (a === "secret" && b === "put") {
      if (options.input === undefined) throw new Error("a secret put without a value would prompt");
      s.secrets.set(c!, options.input);
      s.workerExists = true; // wrangler creates a draft Worker for a secret of a new one
    } else if (a === "deploy") {
      s.workerExists = true;
      s.deploys++;
    } else throw new Error(`the fake account does not know: wrangler ${args.join(" ")}`);
    return ok();
  }

  /** The commands that are not read-only. */
  changes(): string[] {
    return this.calls.map((c) => c.args).filter((args) => !READ_ONLY.some((re) => re.test(args)));
  }
}
