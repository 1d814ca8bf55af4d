// A permit of the endpoint's limiter (src/lifecycle/limiter), held while a probe's call is out and
// returned exactly once: right after the call, or on any way out of the attempt.
import type { CallOutcome } from "../endpoint/client";
import type { AcquireRequest, limiterFor, ReleaseOutcome } from "../limiter/limiter";

type LimiterStub = ReturnType<typeof limiterFor>["stub"];

export class Permit {
  private released = false;
  constructor(
    private readonly stub: LimiterStub,
    private readonly id: string,
    private readonly runId: string,
  ) {}

  /** Returns the permit; with `next`, asks in the same call for a permit for the lane's next probe. */
  async release(outcome: ReleaseOutcome, next?: AcquireRequest): Promise<Permit | null> {
    if (this.released) return null;
    this.released = true;
    try {
      const granted = await this.stub.release(this.id, outcome, next);
      return granted?.granted ? new Permit(this.stub, granted.permit, this.runId) : null;
    } catch (error) {
      // The permit lapses on its own (it expires with the call's timeout).
      console.error(JSON.stringify({ event: "limiter.release_error", run_id: this.runId, error: String(error) }));
      return null;
    }
  }
}

/** What the limiter learns from a call: a success, a throttle (429 / 503 with Retry-After), or neither. */
export function releaseOutcomeOf(outcome: CallOutcome): ReleaseOutcome {
  if (outcome.kind === "ok") return { kind: "ok" };
  if (outcome.kind === "retry" && outcome.throttled) return { kind: "throttled", retryAfterS: outcome.retryAfterS };
  return { kind: "other" };
}
