// Once per test run: a state folder whose local D1 has every migration applied. Each e2e service
// starts on a copy of it (test/e2e/support.ts startService) instead of running
// `wrangler d1 migrations apply` itself — the same migrations, applied by the same command, once
// rather than once per service (each apply is a wrangler start of ~3–5 s here).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../src/cli/local-service";

declare module "vitest" {
  export interface ProvidedContext {
    migratedStateDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "ctxprobe-e2e-migrated-"));
  applyMigrations(dir);
  project.provide("migratedStateDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
