// What the Worker needs on Cloudflare, read from wrangler.toml itself (so the deploy script cannot
// drift from the config wrangler deploys): its D1 databases, every queue it produces to, consumes or
// dead-letters into, its R2 buckets, Durable Object migrations and crons, plus the secret names of
// .dev.vars.example (the file `npm run types` reads, so it lists exactly the Worker's secrets).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "smol-toml";
import { z } from "zod";

const Consumer = z.object({
  queue: z.string(),
  max_batch_size: z.number().optional(),
  max_batch_timeout: z.number().optional(),
  max_retries: z.number().optional(),
  retry_delay: z.number().optional(),
  max_concurrency: z.number().optional(),
  dead_letter_queue: z.string().optional(),
});

const WranglerConfig = z.object({
  name: z.string(),
  limits: z.object({ cpu_ms: z.number().optional() }).optional(),
  d1_databases: z.array(z.object({ binding: z.string(), database_name: z.string(), database_id: z.string().optional(), migrations_dir: z.string().optional() })).default([]),
  r2_buckets: z.array(z.object({ binding: z.string(), bucket_name: z.string() })).default([]),
  queues: z.object({ producers: z.array(z.object({ binding: z.string(), queue: z.string() })).default([]), consumers: z.array(Consumer).default([]) }).default({ producers: [], consumers: [] }),
  durable_objects: z.object({ bindings: z.array(z.object({ name: z.string(), class_name: z.string() })).default([]) }).default({ bindings: [] }),
  migrations: z.array(z.object({ tag: z.string(), new_sqlite_classes: z.array(z.string()).default([]), new_classes: z.array(z.string()).default([]) })).default([]),
  triggers: z.object({ crons: z.array(z.string()).default([]) }).default({ crons: [] }),
});

export type ConsumerSettings = z.infer<typeof Consumer>;

export interface QueueNeed {
  name: string;
  /** Bindings that send to it. */
  producers: string[];
  consumer?: ConsumerSettings;
  /** Queues whose failed messages land here. */
  deadLetterOf: string[];
}

export interface DatabaseNeed {
  binding: string;
  name: string;
  /** The database_id written in wrangler.toml; null when missing or the all-zero placeholder. */
  id: string | null;
  migrationsDir: string;
  migrationFiles: string[];
}

export interface Resources {
  configPath: string;
  workerName: string;
  cpuMs: number | null;
  databases: DatabaseNeed[];
  queues: QueueNeed[];
  buckets: { binding: string; name: string }[];
  durableObjects: { binding: string; className: string }[];
  doMigrations: { tag: string; newClasses: string[] }[];
  crons: string[];
  secrets: string[];
}

const PLACEHOLDER_ID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

function queueNeeds(queues: z.infer<typeof WranglerConfig>["queues"]): QueueNeed[] {
  const byName = new Map<string, QueueNeed>();
  const need = (name: string) => {
    let found = byName.get(name);
    if (!found) byName.set(name, (found = { name, producers: [], deadLetterOf: [] }));
    return found;
  };
  for (const producer of queues.producers) need(producer.queue).producers.push(producer.binding);
  for (const consumer of queues.consumers) {
    need(consumer.queue).consumer = consumer;
    if (consumer.dead_letter_queue) need(consumer.dead_letter_queue).deadLetterOf.push(consumer.queue);
  }
  return [...byName.values()];
}

/** Pure: the resources a wrangler.toml text asks for. Migration files are filled in by loadResources. */
export function resourcesFromConfig(tomlText: string, configPath: string, secrets: string[]): Resources {
  const parsed = WranglerConfig.safeParse(parse(tomlText));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${configPath}: ${issue.path.join(".")}: ${issue.message}`);
  }
  const config = parsed.data;
  return {
    configPath,
    workerName: config.name,
    cpuMs: config.limits?.cpu_ms ?? null,
    databases: config.d1_databases.map((db) => ({
      binding: db.binding,
      name: db.database_name,
      id: db.database_id && !PLACEHOLDER_ID.test(db.database_id) ? db.database_id : null,
      migrationsDir: db.migrations_dir ?? "migrations",
      migrationFiles: [],
    })),
    queues: queueNeeds(config.queues),
    buckets: config.r2_buckets.map((b) => ({ binding: b.binding, name: b.bucket_name })),
    durableObjects: config.durable_objects.bindings.map((b) => ({ binding: b.name, className: b.class_name })),
    doMigrations: config.migrations.map((m) => ({ tag: m.tag, newClasses: [...m.new_sqlite_classes, ...m.new_classes] })),
    crons: config.triggers.crons,
    secrets,
  };
}

/** The KEY= names of a .dev.vars-style file. */
export function secretNames(text: string): string[] {
  return [...text.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((m) => m[1]!);
}

/** Reads wrangler.toml, the .dev.vars.example beside it and each database's migration files. */
export function loadResources(configPath: string): Resources {
  const dir = dirname(configPath);
  const example = join(dir, ".dev.vars.example");
  const secrets = existsSync(example) ? secretNames(readFileSync(example, "utf8")) : [];
  const resources = resourcesFromConfig(readFileSync(configPath, "utf8"), configPath, secrets);
  for (const db of resources.databases) {
    const migrations = join(dir, db.migrationsDir);
    // wrangler applies the top-level .sql files in name order (drizzle-kit's meta/ is not one).
    db.migrationFiles = existsSync(migrations) ? readdirSync(migrations).filter((f) => f.endsWith(".sql")).sort() : [];
  }
  return resources;
}

/**
 * wrangler.toml with `database_id` of the named D1 database set to `id`, every other line (and
 * comment) untouched. wrangler only patches JSON configs itself, so TOML is edited here, by line.
 */
export function withDatabaseId(tomlText: string, databaseName: string, id: string): string {
  const lines = tomlText.split("\n");
  let inD1 = false;
  let block: { nameLine: number | null; idLine: number | null; matches: boolean } = { nameLine: null, idLine: null, matches: false };
  const blocks: (typeof block)[] = [];
  lines.forEach((line, i) => {
    if (/^\s*\[/.test(line)) {
      inD1 = /^\s*\[\[\s*d1_databases\s*\]\]/.test(line);
      if (inD1) blocks.push((block = { nameLine: null, idLine: null, matches: false }));
      return;
    }
    if (!inD1) return;
    const name = /^\s*database_name\s*=\s*["']([^"']*)["']/.exec(line);
    if (name) Object.assign(block, { nameLine: i, matches: name[1] === databaseName });
    if (/^\s*database_id\s*=/.test(line)) block.idLine = i;
  });
  const target = blocks.find((b) => b.matches);
  if (!target || target.nameLine === null) throw new Error(`no [[d1_databases]] entry named ${databaseName} in wrangler.toml`);
  const entry = `database_id = "${id}"`;
  if (target.idLine !== null) lines[target.idLine] = lines[target.idLine]!.replace(/database_id\s*=\s*["'][^"']*["']/, entry);
  else lines.splice(target.nameLine + 1, 0, entry);
  const updated = lines.join("\n");
  const databases = (parse(updated) as { d1_databases?: { database_name?: string; database_id?: string }[] }).d1_databases ?? [];
  const check = databases.find((db) => db.database_name === databaseName);
  if (check?.database_id !== id) throw new Error(`could not write database_id of ${databaseName} into wrangler.toml`);
  return updated;
}
