// What one consumer invocation works on: probe jobs, the runs they belong to (each read from D1
// and its model parsed once per invocation), and the verdict each job ends with.
import { ADMIN_ACCOUNT_ID } from "../../accounts/principal";
import { runOwner, type Viewer } from "../../catalog/access";
import { outboundGuard } from "../../config";
import type { RunRow } from "../../db/schema";
import { guardedFetcher, type OutboundGuard } from "../../security/resolved";
import type { SuiteRecipe } from "../../probes/suites";
import type { Fetcher } from "../endpoint/client";
import { limiterOfRun, type limiterFor } from "../limiter/limiter";
import type { ProbeMessage } from "../messages";
import { storedModel, type StoredModel } from "../run-model";
import type { BegunProbe } from "../store/attempts";
import { getRun } from "../store/runs";
import type { Permit } from "./permit";

export interface ConsumerDeps {
  /** Transport for runs whose endpoint is this Worker's own /reference/v1. */
  internalFetcher: Fetcher;
  /** Transport for everything else. */
  externalFetcher?: Fetcher;
}

/** A probe whose endpoint permit is held and whose attempt has begun. */
export interface Claimed {
  permit: Permit;
  begun: BegunProbe;
}

/** A probe to process in this invocation: a delivered message, or a probe claimed inline. */
export interface ProbeJob {
  runId: string;
  idx: number;
  /** The message's delivery count; 0 for a probe claimed inline. */
  deliveries: number;
  message?: Message<ProbeMessage>;
  /** A probe claimed inline arrives with its endpoint permit held and its attempt begun. */
  ready?: Claimed;
}

export type Verdict =
  /**
   * Settled, a duplicate, or its run is over. `next`: probes claimed with the freed credit, not sent
   * yet; `inline`: one of them, already holding a permit and begun, for the lane to run itself.
   */
  | { kind: "ack"; next: number[]; inline?: ProbeJob; runActive: boolean }
  | { kind: "retry"; delaySeconds: number }
  /** Refused a permit: the endpoint's limiter re-sends it when one frees. */
  | { kind: "waiting" };

export const ACK: Verdict = { kind: "ack", next: [], runActive: false };

/** A run as its probes' attempts need it. */
export interface RunContext {
  run: RunRow;
  model: StoredModel;
  recipes: SuiteRecipe[];
  limiter: ReturnType<typeof limiterFor>;
  /** The transport to the run's endpoint: for a user's endpoint, every request checked (host resolved) right before it is sent. */
  fetcher: Fetcher;
  /** The SSRF guard of a user's endpoint; null for this Worker's own reference models. */
  guard: OutboundGuard | null;
  /** Whom the run's work acts for: its account (the corpora and datasets it may use). */
  owner: Viewer;
}

/** How many probes a lane may still chain inline (src/lifecycle/lanes.ts). */
export interface ChainBudget {
  take(context: RunContext): boolean;
}

export const isActive = (run: Pick<RunRow, "status">) => run.status === "queued" || run.status === "running";

/** The runs of one invocation, each read once however many of its probes the lanes take. */
export class RunContexts {
  private readonly pending = new Map<string, Promise<RunContext | null>>();
  private readonly loaded = new Map<string, RunContext | null>();

  constructor(
    private readonly env: Env,
    private readonly deps: ConsumerDeps,
  ) {}

  get(runId: string): Promise<RunContext | null> {
    let context = this.pending.get(runId);
    if (!context) {
      context = getRun(this.env.DB, runId).then((run) => (run ? this.contextOf(run) : null));
      context.then((c) => this.loaded.set(runId, c), () => this.pending.delete(runId));
      this.pending.set(runId, context);
    }
    return context;
  }

  /** The run if it was read already (the error path must not read D1 again). */
  known(runId: string): RunContext | null | undefined {
    return this.loaded.get(runId);
  }

  private contextOf(run: RunRow): RunContext {
    const model = storedModel(run);
    const guard = run.internalEndpoint ? null : outboundGuard(this.env);
    const transport = run.internalEndpoint ? this.deps.internalFetcher : (this.deps.externalFetcher ?? ((request: Request) => fetch(request)));
    const fetcher = guard ? guardedFetcher(transport, guard) : transport;
    return { run, model, recipes: run.suites, limiter: limiterOfRun(this.env, run), fetcher, guard, owner: runOwner(run, ADMIN_ACCOUNT_ID) };
  }
}
