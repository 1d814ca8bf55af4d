// A crash survived, for real: a SIGKILL of the whole local service (wrangler dev, workerd, local D1
// and Queues) in the middle of a run, then a restart on the same state. The longer version is
// `npm run test:crash` (two kills). Its own file, so it runs beside the fault test, not after it.
import { describe, expect, it } from "vitest";
import { crashScenario } from "../../src/cli/crash";
import { spread } from "../../src/cli/run-audit";

const log = process.env.E2E_VERBOSE ? (line: string) => console.log(line) : undefined;

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
