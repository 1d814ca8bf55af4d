// One live stream's view of a running run, beyond its counters: the heatmap cells that changed
// since the stream last sent them (read only when `done` moved), the pace over the last minute of
// this stream's own samples, the retries (cached per run for 2 s by the lifecycle), and the
// endpoint's limiter (asked every 5 s: it is a Durable Object call).
import type { EndpointLimit } from "../contract/limits";
import type { RunRow } from "../db/schema";
import { runEndpointLimit, SettledCells } from "../lifecycle/live";
import { liveRetries, type RunProgress } from "../lifecycle/runs";
import { isFinished } from "../lifecycle/run-model";
import { getRun } from "../lifecycle/store/runs";
import { CellDelta, pageCells, type LiveCell } from "./live-cells";
import { paceText, retriesText, runPace, throttleText, type PaceSample } from "./run-state";

const LIMITER_EVERY_MS = 5_000;
/** Pace samples older than this are no longer needed (the pace looks back one minute). */
const KEEP_SAMPLES_MS = 70_000;

/** The `live` event's data. */
export interface LiveState {
  at: string;
  rate_per_min: number | null;
  eta_s: number | null;
  retrying: number;
  last_error: string | null;
  endpoint: EndpointLimit | null;
  /** The same, as the page words it. */
  text: { pace: string; retries: string; endpoint: string };
}

export class LiveWatch {
  private readonly delta = new CellDelta();
  private readonly settled: SettledCells;
  private readonly samples: PaceSample[] = [];
  private lastDone = -1;
  private limit: EndpointLimit | null = null;
  private limitAskedAt = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly env: Env,
    private readonly run: RunRow,
    private readonly metric: string,
  ) {
    this.settled = new SettledCells(env, run.id);
  }

  static async open(env: Env, id: string, metric: string): Promise<LiveWatch | null> {
    const run = await getRun(env.DB, id);
    return run ? new LiveWatch(env, run, metric) : null;
  }

  /** Cells whose drawing changed since the last call (all settled ones the first time); none while `done` stands still. */
  async cells(progress: Pick<RunProgress, "done" | "status">): Promise<LiveCell[]> {
    const finished = isFinished(progress.status);
    if (progress.done === this.lastDone && !finished) return [];
    this.lastDone = progress.done;
    return this.delta.changed(pageCells(this.run.suites, await this.settled.read(finished), this.metric));
  }

  async state(progress: RunProgress, now = Date.now()): Promise<LiveState> {
    this.samples.push({ at: now, done: progress.done });
    while (this.samples.length > 1 && now - this.samples[0]!.at > KEEP_SAMPLES_MS) this.samples.shift();
    const pace = runPace(progress.total, this.samples, this.run.startedAt ?? this.run.createdAt);
    const retries = (await liveRetries(this.env, { ...this.run, status: progress.status })) ?? { retrying: 0, lastError: null };
    if (now - this.limitAskedAt >= LIMITER_EVERY_MS) {
      this.limitAskedAt = now;
      this.limit = await runEndpointLimit(this.env, this.run);
    }
    return {
      at: new Date(now).toISOString(),
      rate_per_min: pace.perMinute === null ? null : Math.round(pace.perMinute * 10) / 10,
      eta_s: pace.etaSeconds === null ? null : Math.round(pace.etaSeconds),
      retrying: retries.retrying,
      last_error: retries.lastError,
      endpoint: this.limit,
      text: { pace: paceText(pace), retries: retriesText(retries.retrying, retries.lastError), endpoint: this.limit ? throttleText(this.limit, now) : "" },
    };
  }
}
