// What the Cloudflare account already has, read with wrangler's own list commands (read-only). The
// parsers follow wrangler 4.86.0's output: `d1 list --json` prints a JSON array, `queues list` a
// cli-table3 table (│ id │ name │ …), `r2 bucket list` "name:  x" / "creation_date:  y" blocks and
// `secret list` (format json, the default) a JSON array of { name, type }.
import { stripVTControlCharacters } from "node:util";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's standard input (a secret's value), never shown. */
  input?: string;
  /** Show the command's output (and let it prompt) instead of capturing it. */
  show?: boolean;
}

/** Runs `wrangler <args>`; injectable so the deploy logic is tested without Cloudflare. */
export type Runner = (args: string[], options?: RunOptions) => Promise<RunResult>;

/** What exists; a field left undefined could not be checked (see `problems`). */
export interface Inventory {
  /** D1 database name → its uuid. */
  databases?: Map<string, string>;
  queues?: Set<string>;
  buckets?: Set<string>;
  /** Secret names of the Worker; empty when the Worker was never deployed. */
  secrets?: Set<string>;
  workerExists?: boolean;
  /** Why something could not be checked, one line each. */
  problems: string[];
}

const clean = (text: string) => stripVTControlCharacters(text);

/** The JSON value wrangler printed: from the first line that opens one and parses to the end. */
function jsonAfter(text: string, open: "[" | "{"): unknown {
  const lines = clean(text).split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trimStart().startsWith(open)) continue;
    try {
      return JSON.parse(lines.slice(i).join("\n"));
    } catch {
      // a line such as "[ERROR] …" opens no JSON; try the next
    }
  }
  throw new Error("no JSON in the output");
}

export function parseD1List(stdout: string): Map<string, string> {
  const list = jsonAfter(stdout, "[");
  if (!Array.isArray(list)) throw new Error("d1 list --json did not print an array");
  return new Map(list.map((db: { name?: unknown; uuid?: unknown }) => [String(db.name), String(db.uuid)]));
}

/** The values of one column of a cli-table3 table, found by its header. */
export function parseTableColumn(stdout: string, column: string): string[] {
  const rows = clean(stdout)
    .split("\n")
    .filter((line) => line.trimStart().startsWith("│"))
    .map((line) => line.split("│").slice(1, -1).map((cell) => cell.trim()));
  const at = rows[0]?.indexOf(column) ?? -1;
  return at < 0 ? [] : rows.slice(1).map((row) => row[at] ?? "").filter(Boolean);
}

export function parseR2BucketList(stdout: string): Set<string> {
  return new Set([...clean(stdout).matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]!));
}

export function parseSecretList(stdout: string): Set<string> {
  const list = jsonAfter(stdout, "[");
  if (!Array.isArray(list)) throw new Error("secret list did not print an array");
  return new Set(list.map((s: { name?: unknown }) => String(s.name)));
}

const firstLine = (r: RunResult) => clean(r.stderr || r.stdout).split("\n").map((l) => l.replace(/^[✘\s[\]A-Z]*ERROR\]?\s*/, "").trim()).find(Boolean) ?? `exit code ${r.code}`;

async function listed<T>(runner: Runner, args: string[], parse: (stdout: string) => T, problems: string[]): Promise<T | undefined> {
  const result = await runner(args);
  try {
    if (result.code !== 0) throw new Error(firstLine(result));
    return parse(result.stdout);
  } catch (error) {
    problems.push(`wrangler ${args.join(" ")}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Every page of `queues list` (the API pages its answer), until a page adds no name. */
async function listQueues(runner: Runner, problems: string[]): Promise<Set<string> | undefined> {
  const names = new Set<string>();
  for (let page = 1; page <= 100; page++) {
    const found = await listed(runner, ["queues", "list", "--page", String(page)], (out) => parseTableColumn(out, "name"), problems);
    if (found === undefined) return undefined;
    const before = names.size;
    found.forEach((name) => names.add(name));
    if (names.size === before) break;
  }
  return names;
}

async function listSecrets(runner: Runner, problems: string[]): Promise<Pick<Inventory, "secrets" | "workerExists">> {
  const result = await runner(["secret", "list"]);
  // A Worker never deployed has no secrets yet: `secret put` then creates it (as a draft).
  if (result.code !== 0 && /Worker "[^"]*".* not found/.test(clean(result.stderr + result.stdout))) return { secrets: new Set(), workerExists: false };
  const secrets = await listed(async () => result, ["secret", "list"], parseSecretList, problems);
  return secrets ? { secrets, workerExists: true } : {};
}

/** Logged in? `whoami --json` prints { loggedIn } (and exits 1 when not). */
export async function loggedIn(runner: Runner): Promise<string | null> {
  const result = await runner(["whoami", "--json"]);
  try {
    if ((jsonAfter(result.stdout, "{") as { loggedIn?: boolean }).loggedIn === true) return null;
  } catch {
    return `wrangler whoami: ${firstLine(result)}`;
  }
  return "not logged in to Cloudflare: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID)";
}

export async function readInventory(runner: Runner): Promise<Inventory> {
  const notLoggedIn = await loggedIn(runner);
  if (notLoggedIn) return { problems: [notLoggedIn] };
  const problems: string[] = [];
  const [databases, queues, buckets, secrets] = await Promise.all([
    listed(runner, ["d1", "list", "--json"], parseD1List, problems),
    listQueues(runner, problems),
    listed(runner, ["r2", "bucket", "list"], parseR2BucketList, problems),
    listSecrets(runner, problems),
  ]);
  return { databases, queues, buckets, ...secrets, problems };
}
