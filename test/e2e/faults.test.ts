// Faults survived, for real: wrangler dev with local D1 and Queues and the fault-injecting reference
// model. The longer version is `npm run soak` (400 probes × 2 routes); crashes are ./crash.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spread } from "../../src/cli/run-audit";
import { soak } from "../../src/cli/soak";
import { startService } from "./support";

const log = process.env.E2E_VERBOSE ? (line: string) => console.log(line) : undefined;

describe("a run against a reference model that fails 30 % of its calls", () => {
  let service: Awaited<ReturnType<typeof startService>>;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(() => service?.cleanup());

  it("settles every probe exactly once, routed inside the Worker and over HTTP", async () => {
    const results = await soak({ base: service.url, token: service.adminToken }, service.port, {
      faults: 0.3,
      // Seeded draws: the same faults on every run of this test, so its duration is stable.
      seed: 11,
      timeoutS: 2,
      concurrency: 16,
      lengths: spread(2000, 6000, 5),
      depths: spread(0, 100, 8),
      routes: ["internal", "http"],
      deadlineMs: 240_000,
      log,
    });
    for (const { route, audit } of results) {
      expect(audit.violations, route).toEqual([]);
      expect(audit.total).toBe(40);
      // Faults were injected and retried: some probes needed more than one attempt.
      expect(audit.attempts_total, route).toBeGreaterThan(40);
      expect(audit.scored + audit.unscorable + audit.failed).toBe(40);
    }
  });
});
