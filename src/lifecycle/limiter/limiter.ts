// The per-endpoint limiter: one Durable Object per upstream endpoint, shared by every run that calls
// it. A probe holds a permit only while its call is out; at most `limit` permits exist at once.
//
// Endpoint key: the normalized base_url plus the served model name. Hosted APIs rate-limit per
// model, and the pair is what a run calls; two models behind one origin get two limiters (a server
// hosting several models shares its capacity between them — give those runs a lower max_concurrency).
// Ceiling: the smallest max_concurrency among runs that used the endpoint in the last CEILING_TTL_MS
// (the most cautious claim about what the endpoint can take); a finished run's claim ages out.
//
// Permits expire (a crashed consumer cannot hold one forever). A probe refused a permit is not
// retried blind: it is remembered as a waiter and the limiter itself re-sends it to the probe queue
// when a permit frees (or the pause ends), with a permit reserved for it. A consumer lane that goes
// straight on with its run's next probe swaps its permit for the next one in the same call.
import { DurableObject } from "cloudflare:workers";
import { effectiveLimit, initialAimd, isPaused, onSuccess, onThrottle, type AimdState } from "./aimd";
import { endpointKey } from "../endpoint/key";
import { probeMessage } from "../messages";
import { storedModel } from "../run-model";
import type { RunRow } from "../../db/schema";

/** How long a run's max_concurrency keeps counting toward the ceiling after its last call. */
export const CEILING_TTL_MS = 120_000;
/** How long a permit reserved for a woken waiter waits for its message to arrive. */
export const RESERVATION_MS = 30_000;

interface Permit {
  runId: string;
  expiresAt: number;
  /** AIMD epoch when granted (see aimd.ts). */
  epoch: number;
}

interface Waiter {
  runId: string;
  idx: number;
  since: number;
}

interface LimiterState {
  /** The endpoint key, for the status view. */
  endpoint: string;
  aimd: AimdState;
  ceilings: Record<string, { ceiling: number; seenAt: number }>;
  /** By permit id; a permit reserved for a woken waiter has the id `r:<run>:<idx>`. */
  permits: Record<string, Permit>;
  /** Probes refused a permit, oldest first. */
  waiters: Waiter[];
  throttles: number;
}

export interface AcquireRequest {
  endpoint: string;
  runId: string;
  /** The run's max_concurrency. */
  ceiling: number;
  /** How long the permit may be held before it lapses: the call's timeout plus a margin. */
  holdMs: number;
}

export type AcquireResult =
  | { granted: true; permit: string; limit: number }
  /** Refused; the limiter re-sends the probe when a permit frees. `retryAt`: the pause's end, if paused. */
  | { granted: false; reason: "paused" | "full"; retryAt: number | null };

export type ReleaseOutcome = { kind: "ok" } | { kind: "throttled"; retryAfterS: number | null } | { kind: "other" } | { kind: "unused" };

export interface LimiterStatus {
  endpoint: string;
  ceiling: number | null;
  limit: number | null;
  /** True while a 429 holds the limit below the ceiling. */
  reduced: boolean;
  in_flight: number;
  waiting: number;
  paused_until: string | null;
  throttles: number;
}

const keyOf = (runId: string, idx: number) => `${runId}:${idx}`;
/** The id of the permit reserved for a woken waiter. */
export const reservationOf = (runId: string, idx: number) => `r:${keyOf(runId, idx)}`;

/**
 * The limiter of an endpoint as called with one credential. `endpoint` (base_url#model) is what the
 * status view shows; the credential is part of the limiter's identity, never shown.
 */
export function limiterFor(env: Env, baseUrl: string, model: string, credential: string) {
  const endpoint = endpointKey(baseUrl, model);
  return { endpoint, stub: env.LIMITER.get(env.LIMITER.idFromName(`${endpoint}|${credential}`)) };
}

/** Whose calls a run makes: its stored credential (runs stored before credentials: its account). */
export function runCredential(run: Pick<RunRow, "credential" | "accountId">): string {
  return run.credential ?? `account:${run.accountId ?? "none"}`;
}

/** The limiter a run's calls go through. */
export function limiterOfRun(env: Env, run: Pick<RunRow, "model" | "credential" | "accountId">) {
  const model = storedModel(run);
  return limiterFor(env, model.base_url, model.model, runCredential(run));
}

/** Best effort: a cancelled run's waiters and reservations free the endpoint for other runs now. */
export async function forgetRunAtLimiter(env: Env, run: RunRow): Promise<void> {
  try {
    await limiterOfRun(env, run).stub.forgetRun(run.id);
  } catch (error) {
    console.error(JSON.stringify({ event: "limiter.forget_error", run_id: run.id, error: String(error) }));
  }
}

export class EndpointLimiter extends DurableObject<Env> {
  private state: LimiterState = { endpoint: "", aimd: initialAimd(), ceilings: {}, permits: {}, waiters: [], throttles: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      const saved = await ctx.storage.get<LimiterState>("state");
      if (saved) this.state = saved;
    });
  }

  /** A permit for probe `idx` (delivered from the queue); refused, the probe becomes a waiter. */
  async acquire(req: AcquireRequest & { idx: number }): Promise<AcquireResult> {
    const now = Date.now();
    const s = this.state;
    this.note(req, now);
    await this.wake(now); // permits that lapsed go to those already waiting first
    const reserved = reservationOf(req.runId, req.idx);
    let result: AcquireResult;
    if (isPaused(s.aimd, now)) {
      // Even a reserved permit waits: the pause came after it was reserved.
      delete s.permits[reserved];
      this.addWaiter(req.runId, req.idx, now);
      result = { granted: false, reason: "paused", retryAt: s.aimd.pausedUntil };
    } else if (s.permits[reserved]) {
      s.permits[reserved] = { ...s.permits[reserved], expiresAt: now + req.holdMs };
      s.waiters = s.waiters.filter((w) => keyOf(w.runId, w.idx) !== keyOf(req.runId, req.idx));
      result = { granted: true, permit: reserved, limit: this.limit() };
    } else {
      // A waiter re-sent by the sweeper rather than by us is served here too (and leaves the line).
      s.waiters = s.waiters.filter((w) => keyOf(w.runId, w.idx) !== keyOf(req.runId, req.idx));
      result = this.grant(req, now);
      if (!result.granted) this.addWaiter(req.runId, req.idx, now);
    }
    await this.save(now);
    return result;
  }

  /**
   * Returns a permit with the outcome of its call. With `next`, also asks for a permit for the
   * caller's next probe (not known yet: the caller claims it afterwards); refused, nothing waits —
   * the caller sends its probes through the queue, where `acquire` lines them up.
   */
  async release(permitId: string, outcome: ReleaseOutcome, next?: AcquireRequest): Promise<AcquireResult | null> {
    const now = Date.now();
    const s = this.state;
    const permit = s.permits[permitId];
    delete s.permits[permitId];
    const ceiling = this.ceiling() ?? 1;
    if (outcome.kind === "throttled") {
      s.throttles++;
      s.aimd = onThrottle(s.aimd, ceiling, { grantedEpoch: permit?.epoch ?? s.aimd.epoch, retryAfterS: outcome.retryAfterS, now });
    } else if (outcome.kind === "ok" && permit) {
      s.aimd = onSuccess(s.aimd, ceiling, permit.epoch);
    }
    this.prune(now);
    await this.wake(now);
    let result: AcquireResult | null = null;
    if (next) {
      this.note(next, now);
      // Waiters were served first: a lane cannot jump the line.
      result = isPaused(s.aimd, now) ? { granted: false, reason: "paused", retryAt: s.aimd.pausedUntil } : s.waiters.length ? { granted: false, reason: "full", retryAt: null } : this.grant(next, now);
    }
    await this.save(now);
    return result;
  }

  /**
   * A run stopped calling (cancelled): its waiters leave the line and permits reserved for them
   * go to others at once instead of lapsing after RESERVATION_MS. Permits of calls still out stay
   * until those calls return.
   */
  async forgetRun(runId: string): Promise<void> {
    const now = Date.now();
    const s = this.state;
    s.waiters = s.waiters.filter((w) => w.runId !== runId);
    for (const key of Object.keys(s.permits)) if (key.startsWith(`r:${runId}:`)) delete s.permits[key];
    delete s.ceilings[runId];
    this.prune(now);
    await this.wake(now);
    await this.save(now);
  }

  async status(): Promise<LimiterStatus> {
    const now = Date.now();
    this.prune(now);
    const s = this.state;
    const ceiling = this.ceiling();
    return {
      endpoint: s.endpoint,
      ceiling,
      limit: ceiling === null ? null : this.limit(),
      reduced: ceiling !== null && s.aimd.limit !== null && s.aimd.limit < ceiling,
      in_flight: this.inFlight(),
      waiting: s.waiters.length,
      paused_until: isPaused(s.aimd, now) ? new Date(s.aimd.pausedUntil).toISOString() : null,
      throttles: s.throttles,
    };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.prune(now);
    await this.wake(now);
    await this.save(now, true);
  }

  private note(req: AcquireRequest, now: number): void {
    this.state.endpoint = req.endpoint;
    this.state.ceilings[req.runId] = { ceiling: req.ceiling, seenAt: now };
    this.prune(now);
  }

  private grant(req: AcquireRequest, now: number): AcquireResult {
    const s = this.state;
    if (isPaused(s.aimd, now)) return { granted: false, reason: "paused", retryAt: s.aimd.pausedUntil };
    if (this.inFlight() >= this.limit()) return { granted: false, reason: "full", retryAt: null };
    const permit = crypto.randomUUID();
    s.permits[permit] = { runId: req.runId, expiresAt: now + req.holdMs, epoch: s.aimd.epoch };
    return { granted: true, permit, limit: this.limit() };
  }

  /** What the runs calling now may have out together: each run's own max_concurrency (credits cap each run). */
  private ceiling(): number | null {
    const values = Object.values(this.state.ceilings).map((c) => c.ceiling);
    return values.length ? values.reduce((a, b) => a + b, 0) : null;
  }

  private limit(): number {
    return effectiveLimit(this.state.aimd, this.ceiling() ?? 1);
  }

  private inFlight(): number {
    return Object.keys(this.state.permits).length;
  }

  private addWaiter(runId: string, idx: number, now: number): void {
    const key = keyOf(runId, idx);
    if (!this.state.waiters.some((w) => keyOf(w.runId, w.idx) === key)) this.state.waiters.push({ runId, idx, since: now });
  }

  /** Drops lapsed permits and the ceilings of runs no longer calling. */
  private prune(now: number): void {
    const s = this.state;
    for (const [key, permit] of Object.entries(s.permits)) if (permit.expiresAt <= now) delete s.permits[key];
    const holding = new Set(Object.values(s.permits).map((p) => p.runId));
    for (const [runId, c] of Object.entries(s.ceilings)) if (now - c.seenAt > CEILING_TTL_MS && !holding.has(runId)) delete s.ceilings[runId];
  }

  /** Hands free permits to the oldest waiters: reserves one for each and re-sends its probe. */
  private async wake(now: number): Promise<void> {
    const s = this.state;
    if (!s.waiters.length || isPaused(s.aimd, now)) return;
    const woken = s.waiters.splice(0, Math.max(0, this.limit() - this.inFlight()));
    if (!woken.length) return;
    for (const w of woken) s.permits[reservationOf(w.runId, w.idx)] = { runId: w.runId, expiresAt: now + RESERVATION_MS, epoch: s.aimd.epoch };
    try {
      await this.env.PROBES.sendBatch(woken.map((w) => ({ body: probeMessage(w.runId, w.idx) })));
    } catch (error) {
      // The reservations lapse, and the probes' leases run out: the sweeper re-sends them.
      console.error(JSON.stringify({ event: "limiter.wake_error", endpoint: s.endpoint, error: String(error) }));
    }
  }

  /** Persists the state and keeps an alarm for the next moment waiters could be served. */
  private async save(now: number, inAlarm = false): Promise<void> {
    const s = this.state;
    await this.ctx.storage.put("state", s);
    if (!s.waiters.length) return;
    const expiries = Object.values(s.permits).map((p) => p.expiresAt);
    const next = isPaused(s.aimd, now) ? s.aimd.pausedUntil : expiries.length ? Math.min(...expiries) : now;
    // Inside alarm() the fired alarm is spent: always set the next one.
    const current = inAlarm ? null : await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }
}
