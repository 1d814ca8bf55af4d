// Submitting a run: check it, plan it, and either answer with the plan (a dry run) or store the run
// with one pending row per probe and dispatch its first probes. An Idempotency-Key replays the same
// run for the same body; the daily quota is checked early and again inside the insert.
import { DAY_MS, dailyRunUsage, runCaps } from "../accounts/caps";
import type { Principal } from "../accounts/principal";
import { sealRunApiKey, sealRunWebhookSecret } from "../accounts/secrets";
import { suiteContext } from "../catalog/corpora";
import { DomainError } from "../common/errors";
import { sha256Hex } from "../common/hash";
import { newId } from "../common/ids";
import type { CreateRunRequest } from "../contract/run-request";
import type { Run, RunPlan as PlanView } from "../contract/run";
import { checkEndpoint } from "./preflight-check";
import { getReferenceModel } from "../reference/models";
import { SecretsConfigError } from "../security/secrets";
import { generateWebhookSecret } from "../security/webhook-secret";
import { dispatchRun } from "./dispatch";
import { costUsd, endpointLatencyModel, estimateWallSeconds, latencyBasis } from "./estimate";
import { planRun, type RunPlan } from "./plan";
import { getRun, insertRun, runByIdempotencyKey, seriesOfAnother } from "./store/runs";
import { accountDefaultWebhook, checkConcurrency, checkUrls, isOwnReferenceUrl, quotaExceeded, requireSecretsStorage, type AccountWebhook } from "./submit-checks";
import { armSweeper } from "./sweeper-stub";
import { liveSuites } from "./runs";
import { runView, suitesOf } from "./views";

export interface Submission {
  principal: Principal;
  request: CreateRunRequest;
  dryRun: boolean;
  /** With dryRun: add the endpoint's preflight to the plan (not for this service's own reference models). */
  preflight?: boolean;
  idempotencyKey: string | null;
  /** The origin the request was sent to: runs against its own /reference/v1 stay inside the Worker; webhook links use it. */
  origin: string;
  /** Keeps background work (arming the sweeper) alive after the answer. */
  defer(work: Promise<unknown>): void;
}

export type SubmitResult = { kind: "planned"; plan: PlanView } | { kind: "accepted"; run: Run; replayed: boolean };

export async function submitRun(env: Env, submission: Submission): Promise<SubmitResult> {
  const { request, principal } = submission;
  const caps = runCaps(env);
  checkConcurrency(request, caps);
  const internal = isOwnReferenceUrl(request.model.base_url, submission.origin, env.PUBLIC_ORIGIN);
  // Without a `webhook` (undefined, not null) the run takes its account's default webhook.
  const accountDefault = request.webhook === undefined ? await accountDefaultWebhook(env, principal.accountId) : null;
  await checkUrls(env, request, internal, accountDefault);
  const plan = await planRun(request, caps.maxProbes, suiteContext(env, principal), caps.maxContextLength);
  // After every input check (bad input is refused as such, never a 5xx): a key that cannot be
  // sealed is not accepted, not even for the plan of a run that could not be submitted.
  if (request.model.api_key !== undefined) await requireSecretsStorage(env, "endpoint API keys");
  if (submission.dryRun) {
    const view = await planView(env, request, plan, internal);
    return { kind: "planned", plan: submission.preflight && !internal ? { ...view, preflight: await checkEndpoint(env, request.model) } : view };
  }

  const requestSha256 = await sha256Hex(JSON.stringify(request));
  const replay = submission.idempotencyKey ? await replayed(env, principal, submission.idempotencyKey, requestSha256) : null;
  if (replay) return { kind: "accepted", run: replay, replayed: true };
  return { kind: "accepted", run: await storeRun(env, submission, { plan, internal, accountDefault, requestSha256 }), replayed: false };
}

/** A dry run's answer: probes, tokens, the upper-bound cost, and the wall time this endpoint's history predicts. */
async function planView(env: Env, request: CreateRunRequest, plan: RunPlan, internal: boolean): Promise<PlanView> {
  const maxCompletionTokens = plan.estimates.reduce((s, e) => s + e.max_completion_tokens, 0);
  const latency = internal ? null : await endpointLatencyModel(env, request.model.base_url, request.model.model);
  const concurrency = request.model.max_concurrency;
  return {
    dry_run: true,
    probes: plan.points.length,
    prompt_tokens: plan.promptTokens,
    max_completion_tokens: maxCompletionTokens,
    cost_usd: costUsd(request.model, plan.promptTokens, maxCompletionTokens),
    time_s: latency ? estimateWallSeconds(latency, plan.promptTokens, plan.points.length, concurrency, plan.estimates) : null,
    time_basis: latency ? latencyBasis(latency, concurrency) : "no earlier probes of this endpoint and model to measure its latency",
    suites: plan.estimates,
  };
}

/** The run an earlier submission with this key stored (keys are scoped to the account), or null. */
async function replayed(env: Env, principal: Principal, key: string, requestSha256: string): Promise<Run | null> {
  const previous = await runByIdempotencyKey(env.DB, principal.accountId, key);
  if (!previous) return null;
  if (previous.requestSha256 !== requestSha256) throw new DomainError("invalid", "idempotency-key-reused", "this Idempotency-Key was used with a different request body");
  return runView(previous, await liveSuites(env, previous), { manages: true });
}

/** The run's webhook, its secret sealed for this run; a generated secret is returned to be shown once. */
async function runWebhook(env: Env, runId: string, request: CreateRunRequest, accountDefault: AccountWebhook | null, origin: string) {
  let generated: string | undefined;
  const chosen = request.webhook ? { url: request.webhook.url, secret: request.webhook.secret ?? (generated = generateWebhookSecret()) } : accountDefault;
  if (!chosen) return { webhook: null, generated };
  try {
    return { webhook: { url: chosen.url, secretSealed: await sealRunWebhookSecret(env, runId, chosen.secret), origin }, generated };
  } catch (error) {
    if (!(error instanceof SecretsConfigError)) throw error;
    throw new DomainError("unavailable", "secrets-unavailable", "webhook secrets cannot be stored: the service has no SECRETS_KEYS key ring configured");
  }
}

/**
 * Whose calls a run makes, for its endpoint's limiter: the same API key is one credential whoever
 * submits it (its 429s pause only that key's calls); a keyless endpoint is called per account. A
 * truncated hash, never the key: it is not shown anywhere.
 */
async function credentialOf(apiKey: string | undefined, accountId: string): Promise<string> {
  return apiKey === undefined ? `account:${accountId}` : `key:${(await sha256Hex(`ctxprobe limiter credential\n${apiKey}`)).slice(0, 32)}`;
}

/** A series is its first submitter's: nobody else may add steps to its trend. */
async function requireOwnSeries(env: Env, series: string | undefined, accountId: string): Promise<void> {
  if (series !== undefined && (await seriesOfAnother(env.DB, series, accountId))) {
    throw new DomainError("forbidden", "series-owned", `series ${series} belongs to another account; choose another name`, { fields: [{ pointer: "/series", detail: "belongs to another account", in: "body" }] });
  }
}

interface Planned {
  plan: RunPlan;
  internal: boolean;
  accountDefault: AccountWebhook | null;
  requestSha256: string;
}

/** Stores the run and its probes (within the daily quota), dispatches its first probes, arms the sweeper. */
async function storeRun(env: Env, submission: Submission, planned: Planned): Promise<Run> {
  const { request, principal } = submission;
  // Both checked here to refuse early, and again atomically with the insert below.
  await requireOwnSeries(env, request.series, principal.accountId);
  const usage = await dailyRunUsage(env, principal.accountId);
  if (usage.limit !== null && usage.used >= usage.limit) throw quotaExceeded(usage);
  const { api_key: apiKey, ...model } = request.model;
  const id = newId("run");
  const now = Date.now();
  const { webhook, generated } = await runWebhook(env, id, request, planned.accountDefault, submission.origin);
  const inserted = await insertRun(env.DB, {
    id,
    model,
    apiKeySealed: apiKey === undefined ? null : await sealRunApiKey(env, id, apiKey),
    credential: await credentialOf(apiKey, principal.accountId),
    accountId: principal.accountId,
    internalEndpoint: planned.internal,
    reference: planned.internal && getReferenceModel(request.model.model) !== undefined,
    recipes: planned.plan.recipes,
    points: planned.plan.points,
    public: request.public,
    now,
    idempotencyKey: submission.idempotencyKey,
    requestSha256: planned.requestSha256,
    series: request.series ?? null,
    step: request.step ?? null,
    tokensTrained: request.tokens_trained ?? null,
    webhook,
    dailyCap: usage.limit === null ? null : { limit: usage.limit, since: now - DAY_MS },
  });
  if (!inserted) {
    // A parallel submission took the series, or the last slots of the daily cap.
    await requireOwnSeries(env, request.series, principal.accountId);
    throw quotaExceeded(await dailyRunUsage(env, principal.accountId));
  }
  const run = (await getRun(env.DB, id))!;
  await dispatchRun(env, run, now);
  submission.defer(armSweeper(env)); // the sweeper repairs lost work
  const view = runView(run, suitesOf(run, []), { manages: true });
  if (generated && view.webhook) view.webhook = { ...view.webhook, secret: generated };
  return view;
}
