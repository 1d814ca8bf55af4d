// The deploy plan from the real wrangler.toml, and the parsers of wrangler 4.86.0's list output.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parseD1List, parseR2BucketList, parseSecretList, parseTableColumn } from "../../../src/cli/deploy/inventory";
import { formatPlan, planDeploy } from "../../../src/cli/deploy/plan";
import { loadResources, withDatabaseId } from "../../../src/cli/deploy/resources";

const CONFIG = resolve(__dirname, "../../../wrangler.toml");
const text = readFileSync(CONFIG, "utf8");
/** Names read from the raw text with regexes, independently of the TOML parser the script uses. */
const named = (key: string) => [...new Set([...text.matchAll(new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, "gm"))].map((m) => m[1]!))];

describe("the dry-run plan of the real wrangler.toml", () => {
  const resources = loadResources(CONFIG);
  const steps = planDeploy(resources, { problems: ["offline"] });
  const plan = formatPlan(steps, "wrangler.toml").join("\n");

  it("lists every queue (produced, consumed or dead-letter) and creates each if missing", () => {
    const queues = [...new Set([...named("queue"), ...named("dead_letter_queue")])];
    expect(queues).toEqual(expect.arrayContaining(["ctxprobe-probes", "ctxprobe-webhooks", "ctxprobe-probes-dlq"]));
    expect(steps.filter((s) => s.kind === "queue").map((s) => s.name).sort()).toEqual(queues.sort());
    for (const q of queues) expect(plan).toContain(`if missing, would run: wrangler queues create ${q}`);
    expect(plan).toMatch(/queue ctxprobe-probes-dlq: would check — dead-letter queue of ctxprobe-probes/);
  });

  it("lists the D1 database with its migrations, the R2 bucket, the DO migration tags, the cron and both secrets", () => {
    expect(named("database_name")).toEqual(["ctxprobe"]);
    expect(plan).toContain("if missing, would run: wrangler d1 create ctxprobe");
    expect(plan).toContain("would run: wrangler d1 migrations apply DB --remote");
    expect(plan).toMatch(/D1 migrations DB: every deploy — \d+ migration files in migrations\/ \(0000_init\.sql/);
    for (const bucket of named("bucket_name")) expect(plan).toContain(`if missing, would run: wrangler r2 bucket create ${bucket}`);
    const tags = named("tag");
    expect(tags).toEqual(["v1", "v2"]);
    for (const tag of tags) expect(plan).toMatch(new RegExp(`Durable Object migration ${tag}: by wrangler deploy`));
    expect(plan).toContain("new SQLite class EndpointLimiter (binding LIMITER)");
    const crons = (parse(text) as { triggers: { crons: string[] } }).triggers.crons;
    for (const cron of crons) expect(plan).toContain(`cron "${cron}": by wrangler deploy`);
    for (const secret of ["ADMIN_TOKEN", "SECRETS_KEYS"]) expect(plan).toContain(`if missing, would run: wrangler secret put ${secret}`);
    expect(plan.split("\n").at(-1)).toBe("    would run: wrangler deploy");
  });

  it("creates nothing for what exists, and rewrites a database_id that differs from the account's", () => {
    const everything = planDeploy(resources, {
      databases: new Map([["ctxprobe", "11111111-2222-3333-4444-555555555555"]]),
      queues: new Set(resources.queues.map((q) => q.name)),
      buckets: new Set(["ctxprobe-blobs"]),
      secrets: new Set(["ADMIN_TOKEN", "SECRETS_KEYS"]),
      problems: [],
    });
    const actions = everything.flatMap((s) => s.actions);
    expect(actions).toEqual([
      { kind: "database-id", database: "ctxprobe", id: "11111111-2222-3333-4444-555555555555" },
      { kind: "wrangler", args: ["d1", "migrations", "apply", "DB", "--remote"] },
      { kind: "wrangler", args: ["deploy"] },
    ]);
    expect(everything.filter((s) => ["queue", "r2", "secret", "d1"].includes(s.kind)).every((s) => s.state === "exists")).toBe(true);
  });
});

describe("withDatabaseId", () => {
  it("writes the id into the named database's block only, keeping every comment", () => {
    const updated = withDatabaseId(text, "ctxprobe", "0d7b2c1e-aaaa-bbbb-cccc-123456789abc");
    expect((parse(updated) as { d1_databases: { database_id: string }[] }).d1_databases[0]!.database_id).toBe("0d7b2c1e-aaaa-bbbb-cccc-123456789abc");
    const changed = updated.split("\n").filter((line, i) => line !== text.split("\n")[i]);
    expect(changed).toEqual(['database_id = "0d7b2c1e-aaaa-bbbb-cccc-123456789abc"']);
  });

  it("adds the line when the block has none, and refuses an unknown database", () => {
    const without = '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "a"\n\n[[d1_databases]]\nbinding = "B"\ndatabase_name = "b"\n';
    const updated = withDatabaseId(without, "b", "id-b");
    expect((parse(updated) as { d1_databases: { database_id?: string }[] }).d1_databases.map((d) => d.database_id)).toEqual([undefined, "id-b"]);
    expect(() => withDatabaseId(without, "c", "x")).toThrow("no [[d1_databases]] entry named c");
  });
});

describe("parsers of wrangler 4.86.0 output", () => {
  it("reads d1 list --json, the queues table, r2 buckets and secrets", () => {
    expect(parseD1List('[\n  { "uuid": "u-1", "name": "ctxprobe", "version": "production" }\n]')).toEqual(new Map([["ctxprobe", "u-1"]]));
    const queues = "┌────┬─────────────────┬───────────┐\n│ id │ name            │ consumers │\n├────┼─────────────────┼───────────┤\n│ q1 │ ctxprobe-probes │ 1         │\n│ q2 │ other           │ 0         │\n└────┴─────────────────┴───────────┘";
    expect(parseTableColumn(`\n ⛅️ wrangler 4.86.0\n${queues}`, "name")).toEqual(["ctxprobe-probes", "other"]);
    expect(parseTableColumn("", "name")).toEqual([]);
    expect(parseR2BucketList("Listing buckets...\nname:           ctxprobe-blobs\ncreation_date:  2026-01-01T00:00:00.000Z\n\nname:           b2\ncreation_date:  x")).toEqual(new Set(["ctxprobe-blobs", "b2"]));
    expect(parseSecretList('[\n  {\n    "name": "ADMIN_TOKEN",\n    "type": "secret_text"\n  }\n]')).toEqual(new Set(["ADMIN_TOKEN"]));
    expect(() => parseD1List("✘ [ERROR] Authentication error")).toThrow("no JSON");
  });
});
