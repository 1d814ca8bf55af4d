// Faults and crashes survived, for real: wrangler dev with local D1 and Queues, the fault-injecting
// reference model, and a SIGKILL of the whole service in the middle of a run.
// The longer versions are `npm run soak` (400 probes × 2 routes) and `npm run test:crash` (two kills).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashScenario } from "../../src/cli/crash";
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

describe("a service killed in the middle of a run", () => {
  it("resumes from D1 after a restart: no probe lost, none counted twice", async () => {
    const result = await crashScenario({
      lengths: spread(2000, 4000, 4),
      depths: spread(0, 100, 15),
      latencyMs: 400,
      killAt: [0.3],
      concurrency: 6,
      timeoutS: 2,
      // The probes out at the kill are re-sent once their lease expires: 2 + 3 s here rather than
      // production's 2 + 30 s (the audit still catches any probe counted twice).
      leaseMarginS: 3,
      sweepIntervalS: 2,
      deadlineMs: 180_000,
      log,
    });
    expect(result.audit.violations).toEqual([]);
    expect(result.audit).toMatchObject({ total: 60, failed: 0, status: "succeeded" });
    expect(result.kills[0]!.at_done).toBeLessThan(60);
    expect(result.ok).toBe(true);
  });
});
