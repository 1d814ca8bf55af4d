// Runs the deploy: read the resources and the account's inventory, plan, then (unless a dry run)
// carry out each step's actions in order. Everything that touches Cloudflare goes through the
// injected runner, so the whole flow is tested against a fake account.
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { parseD1List, readInventory } from "./inventory";
import { describeAction, describeStep, formatPlan, planDeploy, type Action, type Step } from "./plan";
import { loadResources, withDatabaseId } from "./resources";
import { environmentSecretProblems, provideSecret, type SecretIO } from "./secrets";

export interface DeployOptions {
  configPath: string;
  dryRun: boolean;
}

export type DeployIO = SecretIO;

export class DeployError extends Error {
  override name = "DeployError";
}

async function databaseId(io: DeployIO, action: Extract<Action, { kind: "database-id" }>): Promise<string> {
  if (action.id) return action.id;
  const listed = await io.runner(["d1", "list", "--json"]);
  const id = listed.code === 0 ? parseD1List(listed.stdout).get(action.database) : undefined;
  if (!id) throw new DeployError(`created D1 database ${action.database}, but wrangler d1 list --json does not show it`);
  return id;
}

async function perform(io: DeployIO, action: Action, configPath: string): Promise<void> {
  if (action.kind === "secret") return provideSecret(io, action.name, configPath);
  if (action.kind === "database-id") {
    const id = await databaseId(io, action);
    writeFileSync(configPath, withDatabaseId(readFileSync(configPath, "utf8"), action.database, id));
    io.log(`    wrote database_id ${id} into ${relative(process.cwd(), configPath) || configPath}`);
    return;
  }
  const result = await io.runner(action.args, { show: true });
  if (result.code !== 0) throw new DeployError(`${describeAction(action, configPath)} failed (exit code ${result.code})`);
}

async function carryOut(io: DeployIO, steps: Step[], configPath: string, shown: string): Promise<void> {
  for (const step of steps) {
    io.log(describeStep(step));
    for (const action of step.actions) {
      io.log(`    running: ${describeAction(action, shown)}`);
      await perform(io, action, configPath);
    }
  }
}

/** The deploy (or its dry run); returns the steps it planned. Throws DeployError when it cannot go on. */
export async function runDeploy(options: DeployOptions, io: DeployIO): Promise<Step[]> {
  const resources = loadResources(options.configPath);
  const shown = relative(process.cwd(), options.configPath) || options.configPath;
  io.log(`ctxprobe deploy${options.dryRun ? " --dry-run: nothing is created, changed or deployed" : ""} (${shown}, Worker ${resources.workerName})`);
  const inventory = await readInventory(io.runner);
  for (const problem of inventory.problems) io.log(`could not check: ${problem}`);
  const steps = planDeploy(resources, inventory);
  if (options.dryRun) {
    if (inventory.problems.length) io.log(`states not known are shown as "would check".`);
    formatPlan(steps, shown).forEach((line) => io.log(line));
    const changes = steps.reduce((n, s) => n + s.actions.length, 0);
    io.log(`dry run: ${steps.length} steps, ${changes} actions planned; nothing was run that changes anything.`);
    return steps;
  }
  if (inventory.problems.length) throw new DeployError("cannot deploy before every resource can be checked (see above); nothing was changed");
  const toSet = steps.flatMap((s) => s.actions).flatMap((a) => (a.kind === "secret" ? [a.name] : []));
  const refused = await environmentSecretProblems(toSet, io.env);
  if (refused.length) throw new DeployError(`${refused.join("; ")}; nothing was changed`);
  await carryOut(io, steps, options.configPath, shown);
  io.log(`deployed ${resources.workerName}.`);
  return steps;
}
