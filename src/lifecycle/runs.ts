// Runs as a caller reads and changes them: status, pages of runs and probes, one probe and its
// rebuilt prompt, the needle heatmap, cancellation, the endpoint's limiter. Each operation checks
// what the caller may see (./access.ts) and answers in the contract's shapes (./views.ts).
import { canManage, canSee, type Principal } from "../accounts/principal";
import { ADMIN_ACCOUNT_ID } from "../accounts/principal";
import { runOwner } from "../catalog/access";
import { requireUsable } from "../catalog/catalog";
import { suiteContext } from "../catalog/corpora";
import { DomainError, notFound } from "../common/errors";
import type { EndpointLimit } from "../contract/limits";
import type { Heatmap, Probe, ProbePrompt, Run } from "../contract/run";
import type { ProbeRow, RunRow } from "../db/schema";
import type { SuiteAggregate } from "../probes/suites/suite";
import { promptSha256 } from "../probes/prompt-hash";
import { SUITES, suiteOf, type BuiltProbe } from "../probes/suites";
import { gridHeatmap, isGridRecipe } from "../probes/suites/aggregate";
import { EndpointBuildMissingError } from "../probes/suites/needle";
import { withOutputBudget } from "../probes/suites/output-budget";
import { managedRun, visibleRun } from "./access";
import { storedModel } from "./run-model";
import { forgetRunAtLimiter, limiterOfRun } from "./limiter/limiter";
import { getProbe, pageProbes, settledProbes, truncatedTo } from "./store/probes";
import { cancelRun, getRun, pageRuns, retryState, runProgress, type RunProgress } from "./store/runs";
import { emitRunEventSafely } from "./webhooks/events";
import { probeView, runView, suitesOf, type RunRetries, type RunViewer } from "./views";

export type { RunProgress } from "./store/runs";

/** A run's counters, if the viewer may see it: cheap enough to poll every second (no JSON columns). */
export async function visibleProgress(env: Env, viewer: Principal | null, id: string): Promise<RunProgress | null> {
  const progress = await runProgress(env.DB, id);
  return progress && canSee(viewer, progress) ? progress : null;
}

/** A run's counters (for a stream the viewer was already allowed to open). */
export async function runCounters(env: Env, id: string): Promise<RunProgress | undefined> {
  return runProgress(env.DB, id);
}

// Per isolate: a live run's aggregates, so a poller does not read every probe on every request.
// Fresh while no probe settled since (same `done`), and for LIVE_AGGREGATE_TTL_MS in any case.
const LIVE_AGGREGATE_TTL_MS = 2_000;
const MAX_LIVE_AGGREGATES = 64;
const liveAggregates = new Map<string, { done: number; at: number; suites: SuiteAggregate[] }>();

/** A run's per-suite results: stored once it finished; for a live run, aggregated from the probes' score columns only, cached briefly. */
export async function liveSuites(env: Env, run: RunRow, now = Date.now()): Promise<SuiteAggregate[]> {
  if (run.results) return run.results;
  const cached = liveAggregates.get(run.id);
  if (cached && (cached.done === run.done || now - cached.at < LIVE_AGGREGATE_TTL_MS)) return cached.suites;
  const suites = suitesOf(run, await settledProbes(env.DB, run.id));
  liveAggregates.delete(run.id);
  liveAggregates.set(run.id, { done: run.done, at: now, suites });
  while (liveAggregates.size > MAX_LIVE_AGGREGATES) liveAggregates.delete(liveAggregates.keys().next().value!);
  return suites;
}

/** A run with its progress and scores. */
export async function runStatus(env: Env, viewer: Principal | null, id: string): Promise<Run> {
  const run = await visibleRun(env, viewer, id);
  return shownRun(env, run, await liveSuites(env, run), { manages: canManage(viewer, run) });
}

/** The run as shown with what only its probes tell: a live run's retries, where the server cut prompts. */
export async function shownRun(env: Env, run: RunRow, suites: SuiteAggregate[], viewer: RunViewer): Promise<Run> {
  return runView(run, suites, viewer, await liveRetries(env, run), run.truncated > 0 ? await truncatedTo(env.DB, run.id) : null);
}

const liveRetryStates = new Map<string, { at: number; retries: RunRetries }>();

/** A live run's retries and latest error (finished runs have none); read from the probes at most every LIVE_AGGREGATE_TTL_MS per run, as pollers ask every second. */
export async function liveRetries(env: Env, run: RunRow, now = Date.now()): Promise<RunRetries | undefined> {
  if (run.status !== "queued" && run.status !== "running") return undefined;
  const cached = liveRetryStates.get(run.id);
  if (cached && now - cached.at < LIVE_AGGREGATE_TTL_MS) return cached.retries;
  const retries = await retryState(env.DB, run.id);
  liveRetryStates.delete(run.id);
  liveRetryStates.set(run.id, { at: now, retries });
  while (liveRetryStates.size > MAX_LIVE_AGGREGATES) liveRetryStates.delete(liveRetryStates.keys().next().value!);
  return retries;
}

/** Runs newest first: public ones plus the viewer's own; `limit + 1` are read to tell whether more follow. */
export async function runsPage(env: Env, viewer: Principal | null, after: { createdAt: number; id: string } | null, limit: number) {
  const rows = await pageRuns(env.DB, after, limit + 1, viewer);
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page.at(-1) : undefined;
  return { runs: page.map((r) => runView(r, suitesOf(r, []), { manages: canManage(viewer, r) })), next: last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** A run's probes in idx order after `afterIdx`. */
export async function probesPage(env: Env, viewer: Principal | null, id: string, afterIdx: number, limit: number) {
  await visibleRun(env, viewer, id);
  const rows = await pageProbes(env.DB, id, afterIdx, limit + 1);
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page.at(-1) : undefined;
  return { probes: page.map(probeView), next: last ? last.idx : null };
}

/** A visible run and one of its probes. */
export async function findProbe(env: Env, viewer: Principal | null, id: string, idx: number): Promise<{ run: RunRow; probe: ProbeRow }> {
  const run = await visibleRun(env, viewer, id);
  const probe = await getProbe(env.DB, id, idx);
  if (!probe) throw notFound(`run ${id} has no probe ${idx}`);
  return { run, probe };
}

export async function probeOf(env: Env, viewer: Principal | null, id: string, idx: number): Promise<Probe> {
  return probeView((await findProbe(env, viewer, id, idx)).probe);
}

/**
 * The probe's exact prompt, rebuilt from the run's stored recipe (endpoint-tokenized probes from
 * their stored cuts: the endpoint is never called here). Its SHA-256 equals the probe's.
 */
export async function rebuildPrompt(env: Env, viewer: Principal | null, run: RunRow, probe: ProbeRow): Promise<BuiltProbe> {
  const recipe = run.suites.find((r) => r.index === probe.suiteIndex);
  if (!recipe) throw new Error(`run ${run.id} has no suite ${probe.suiteIndex}`);
  const suite = suiteOf(recipe);
  // The prompt holds the corpus or book text: only for those who may see what it was made from.
  await requireUsable(env, viewer, suite.storedData(recipe as never));
  try {
    return await suite.build(recipe as never, probe, suiteContext(env, runOwner(run, ADMIN_ACCOUNT_ID)));
  } catch (error) {
    if (error instanceof EndpointBuildMissingError) throw new DomainError("conflict", "probe-not-built", error.message);
    throw error;
  }
}

export async function probePrompt(env: Env, viewer: Principal | null, id: string, idx: number): Promise<ProbePrompt> {
  const { run, probe } = await findProbe(env, viewer, id, idx);
  const built = await rebuildPrompt(env, viewer, run, probe);
  const text = built.prompt.api === "chat" ? { messages: built.prompt.messages } : { prompt: built.prompt.prompt };
  return { run_id: id, idx, api: built.prompt.api, ...text, prompt_sha256: await promptSha256(built.prompt), constructed_tokens: built.constructedTokens, max_tokens: withOutputBudget(built, storedModel(run).max_output_tokens).maxTokens };
}

/**
 * The heatmap of a grid suite (default: the run's first needle suite, else its first non-literal
 * one) on one metric (default the suite's headline metric).
 */
export async function runHeatmap(env: Env, viewer: Principal | null, id: string, asked: string | undefined, suite?: number): Promise<Heatmap> {
  const run = await visibleRun(env, viewer, id);
  const grids = run.suites.filter(isGridRecipe).sort((a, b) => Number(b.type === "needle") - Number(a.type === "needle") || a.index - b.index);
  const recipe = suite === undefined ? grids[0] : grids.find((r) => r.index === suite);
  if (!recipe) {
    throw new DomainError("invalid", "validation-failed", "this run has no needle or non-literal suite" + (suite === undefined ? "" : ` at index ${suite}`), {
      fields: [{ pointer: "/suite", detail: "no needle or non-literal suite here", in: "query" }],
    });
  }
  const metrics = SUITES[recipe.type].metrics;
  const metric = asked ?? metrics[0]!;
  if (!metrics.includes(metric)) {
    throw new DomainError("invalid", "validation-failed", `unknown metric "${metric}"; use one of ${metrics.join(", ")}`, {
      fields: [{ pointer: "/metric", detail: `one of ${metrics.join(", ")}`, in: "query" }],
    });
  }
  return { run_id: id, suite: recipe.index, metric, ...gridHeatmap(recipe, await settledProbes(env.DB, id), metric) };
}

/** Stops a queued or running run: its pending probes are cancelled and no further calls are made. */
export async function cancelRunAs(env: Env, principal: Principal, id: string): Promise<Run> {
  await managedRun(env, principal, id);
  const won = await cancelRun(env.DB, id, Date.now());
  const run = await getRun(env.DB, id);
  if (!run) throw notFound(`no run with id ${id}`);
  if (!won) throw new DomainError("conflict", "run-not-cancellable", `run ${id} is already ${run.status}`);
  // This request won the cancellation, so it alone emits run.cancelled.
  await emitRunEventSafely(env, id);
  await forgetRunAtLimiter(env, run);
  return runView(run, suitesOf(run, await settledProbes(env.DB, id)), { manages: true });
}

/** The limiter of the endpoint the run calls (shared with every other run on that endpoint). */
export async function endpointLimit(env: Env, viewer: Principal | null, id: string): Promise<EndpointLimit> {
  const limiter = limiterOfRun(env, await visibleRun(env, viewer, id));
  return { ...(await limiter.stub.status()), endpoint: limiter.endpoint };
}
