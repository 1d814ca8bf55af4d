// The deploy plan, a pure function: the resources wrangler.toml asks for, and what the account is
// known to have, give the steps in order, each with its state and the actions it still needs. A
// resource that exists gets no action (so a second deploy creates nothing); one that could not be
// checked shows the actions it would get if missing.
import type { Inventory } from "./inventory";
import type { ConsumerSettings, QueueNeed, Resources } from "./resources";

export type StepState = "exists" | "missing" | "would check" | "by wrangler deploy" | "every deploy";

export type Action =
  | { kind: "wrangler"; args: string[] }
  /** Write the database's uuid into wrangler.toml; null: read it from the account once created. */
  | { kind: "database-id"; database: string; id: string | null }
  | { kind: "secret"; name: string };

export interface Step {
  kind: "d1" | "d1-migrations" | "queue" | "r2" | "secret" | "do-migration" | "cron" | "deploy";
  name: string;
  /** What it is for, from wrangler.toml. */
  about: string;
  state: StepState;
  /** A further fact about the state, e.g. how database_id compares. */
  note?: string;
  actions: Action[];
}

const wrangler = (...args: string[]): Action => ({ kind: "wrangler", args });

function known<T>(set: Set<T> | Map<T, unknown> | undefined, key: T): "exists" | "missing" | "would check" {
  if (!set) return "would check";
  return set.has(key) ? "exists" : "missing";
}

function consumerAbout(c: ConsumerSettings): string {
  const settings = [`batch ${c.max_batch_size ?? "default"}`, `timeout ${c.max_batch_timeout ?? "default"} s`, `concurrency ${c.max_concurrency ?? "auto"}`, `retries ${c.max_retries ?? "default"}`, `retry delay ${c.retry_delay ?? 0} s`];
  return `consumed (${settings.join(", ")}${c.dead_letter_queue ? `, dead letters to ${c.dead_letter_queue}` : ""})`;
}

function queueAbout(q: QueueNeed): string {
  const parts = [
    ...(q.deadLetterOf.length ? [`dead-letter queue of ${q.deadLetterOf.join(", ")}`] : []),
    ...(q.producers.length ? [`producer binding ${q.producers.join(", ")}`] : []),
    ...(q.consumer ? [consumerAbout(q.consumer)] : []),
  ];
  return parts.join("; ");
}

function databaseSteps(resources: Resources, inventory: Inventory): Step[] {
  return resources.databases.flatMap((db) => {
    const state = known(inventory.databases, db.name);
    const uuid = inventory.databases?.get(db.name) ?? null;
    const inToml = db.id ?? "placeholder";
    let actions: Action[] = [];
    let note = `database_id in wrangler.toml: ${inToml}`;
    if (state !== "exists") actions = [wrangler("d1", "create", db.name), { kind: "database-id", database: db.name, id: null }];
    else if (uuid !== db.id) {
      actions = [{ kind: "database-id", database: db.name, id: uuid }];
      note = `database_id in wrangler.toml is ${inToml}, the account's is ${uuid}: rewritten`;
    } else note = "database_id in wrangler.toml matches";
    const d1: Step = { kind: "d1", name: db.name, about: `D1 database, binding ${db.binding}`, state, note, actions };
    const migrations: Step = {
      kind: "d1-migrations",
      name: db.binding,
      about: `${db.migrationFiles.length} migration files in ${db.migrationsDir}/ (${db.migrationFiles.at(0) ?? "none"} … ${db.migrationFiles.at(-1) ?? "none"}); wrangler applies those not yet in d1_migrations`,
      state: "every deploy",
      actions: [wrangler("d1", "migrations", "apply", db.binding, "--remote")],
    };
    return [d1, migrations];
  });
}

function secretStep(name: string, inventory: Inventory): Step {
  const state = known(inventory.secrets, name);
  const about = name === "ADMIN_TOKEN" ? "the admin bearer token" : name === "SECRETS_KEYS" ? "the key ring sealing API keys at rest (kid:base64key, 32-byte keys)" : "Worker secret";
  return {
    kind: "secret",
    name,
    about,
    state,
    note: state === "exists" ? "set (its value cannot be read back; kept)" : inventory.workerExists === false ? "the Worker is not deployed yet: secret put creates it as a draft" : undefined,
    actions: state === "exists" ? [] : [{ kind: "secret", name }],
  };
}

export function planDeploy(resources: Resources, inventory: Inventory): Step[] {
  const queues = resources.queues.map((q): Step => {
    const state = known(inventory.queues, q.name);
    return { kind: "queue", name: q.name, about: queueAbout(q), state, actions: state === "exists" ? [] : [wrangler("queues", "create", q.name)] };
  });
  const buckets = resources.buckets.map((b): Step => {
    const state = known(inventory.buckets, b.name);
    return { kind: "r2", name: b.name, about: `R2 bucket, binding ${b.binding}`, state, actions: state === "exists" ? [] : [wrangler("r2", "bucket", "create", b.name)] };
  });
  const bindingOf = (className: string) => resources.durableObjects.find((d) => d.className === className)?.binding;
  const classes = (m: { newClasses: string[] }) => m.newClasses.map((c) => (bindingOf(c) ? `${c} (binding ${bindingOf(c)})` : c)).join(", ");
  const doMigrations = resources.doMigrations.map(
    (m): Step => ({ kind: "do-migration", name: m.tag, about: `new SQLite class ${classes(m)}; tags already applied are skipped`, state: "by wrangler deploy", actions: [] }),
  );
  const crons = resources.crons.map((c): Step => ({ kind: "cron", name: `"${c}"`, about: "cron trigger (runs the sweeper)", state: "by wrangler deploy", actions: [] }));
  const deploy: Step = {
    kind: "deploy",
    name: resources.workerName,
    about: `the Worker${resources.cpuMs ? `, CPU limit ${resources.cpuMs} ms` : ""}; also sets the queue consumers, Durable Object migrations and crons`,
    state: "every deploy",
    actions: [wrangler("deploy")],
  };
  return [
    ...databaseSteps(resources, inventory),
    ...queues,
    ...buckets,
    ...resources.secrets.map((s) => secretStep(s, inventory)),
    ...doMigrations,
    ...crons,
    deploy,
  ];
}

const KIND_LABEL: Record<Step["kind"], string> = {
  d1: "D1 database",
  "d1-migrations": "D1 migrations",
  queue: "queue",
  r2: "R2 bucket",
  secret: "secret",
  "do-migration": "Durable Object migration",
  cron: "cron",
  deploy: "Worker",
};

export function describeAction(action: Action, configPath: string): string {
  if (action.kind === "wrangler") return `wrangler ${action.args.join(" ")}`;
  if (action.kind === "database-id") return `write ${action.id ? `database_id ${action.id}` : "the new database's id (from wrangler d1 list --json)"} into ${configPath}`;
  return `wrangler secret put ${action.name} (value from $${action.name}, typed, or generated; never printed)`;
}

/** The step's heading line, e.g. `queue ctxprobe-probes-dlq: exists — dead-letter queue of …`. */
export function describeStep(step: Step): string {
  return `${KIND_LABEL[step.kind]} ${step.name}: ${step.state} — ${step.about}${step.note ? `; ${step.note}` : ""}`;
}

/** The plan as text: each step, then what it would run (conditional where the state is unknown). */
export function formatPlan(steps: Step[], configPath: string): string[] {
  return steps.flatMap((step) => {
    const prefix = step.state === "would check" ? "if missing, would run:" : "would run:";
    return [describeStep(step), ...step.actions.map((a) => `    ${prefix} ${describeAction(a, configPath)}`)];
  });
}
