// /v1/runs: submit, inspect, page through and cancel evaluation runs.
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
import { envFlag } from "../config";
import { dispatchRun } from "../lifecycle/dispatch";
import { promptFingerprintText, sha256Hex } from "../lifecycle/consume";
import { planRun } from "../lifecycle/plan";
import { costUsd, endpointLatencyModel, estimateWallSeconds } from "../lifecycle/estimate";
import { suiteContext } from "../catalog/corpora";
import { sweeperStub } from "../lifecycle/sweeper";
import { forgetRunAtLimiter } from "../lifecycle/limiter/limiter";
import { database, getProbe, getRun, insertRun, listProbes, pageProbes, pageRuns, pointOf, recipesOf } from "../lifecycle/store";
import { settledProbeOf } from "../lifecycle/finalize";
import { needleHeatmap } from "../probes/suites/aggregate";
import { SUITES, suiteOf } from "../probes/suites";
import { EndpointBuildMissingError } from "../probes/suites/needle";
import { getReferenceModel } from "../reference/models";
import { checkOutboundUrl } from "../security/ssrf";
import { keyRing, openSecret, sealSecret, SecretsConfigError } from "../security/secrets";
import { accountWebhookSecretContext, getAccount } from "../accounts/accounts";
import { DAY_MS, dailyRunUsage, runCaps, type DailyUsage } from "../accounts/caps";
import { sealRunApiKey } from "../accounts/secrets";
import { canManage, managedRun, requirePrincipal, tokenRequired, TOKEN_OPTIONAL, TOKEN_REQUIRED, visibleRun } from "../http/auth";
import { webhookSecretContext } from "../lifecycle/webhooks/deliver";
import { emitRunEventSafely } from "../lifecycle/webhooks/events";
import { generateWebhookSecret } from "../security/webhook-secret";
import type { FieldError } from "../http/problem";
import { createRouter, problemResponses, type AppEnv } from "../http/app-env";
import { problem, ProblemError, problemResponse } from "../http/problem";
import { decodeCursor, encodeCursor, probeResource, runResource } from "./resources";
import { Page } from "../contract/page";
import { CreateRunRequest } from "../contract/run-request";
import { Heatmap, Probe, ProbePrompt, Run, RunPlan } from "../contract/run";
import { PageQuery, ProbeParams, RunIdParam } from "./schemas";

export const runsApi = createRouter();

/** The account's default webhook with its secret opened, or null without one. */
async function accountDefaultWebhook(env: Env, accountId: string): Promise<{ url: string; secret: string } | null> {
  const account = await getAccount(env, accountId);
  if (!account?.webhookUrl || !account.webhookSecret) return null;
  try {
    return { url: account.webhookUrl, secret: await openSecret(env.SECRETS_KEYS, account.webhookSecret, accountWebhookSecretContext(accountId)) };
  } catch (error) {
    // E.g. the key that sealed it was retired from SECRETS_KEYS: it must be set again.
    console.error(JSON.stringify({ event: "account.webhook_secret_unusable", account_id: accountId, error: error instanceof Error ? error.name : "error" }));
    throw new ProblemError(problem("secrets-unavailable", 503, "the account's default webhook secret cannot be opened; set it again with PUT /v1/account/webhook, or send \"webhook\": null"));
  }
}

function quotaExceeded(usage: DailyUsage): ProblemError {
  return new ProblemError(
    problem("quota-exceeded", 429, `this account may submit ${usage.limit} runs per 24 h and has submitted ${usage.used}; retry in ${Math.max(1, usage.retryAfterS)} s`, {
      "violated-policies": ["daily"],
    }),
    { "retry-after": String(Math.max(1, usage.retryAfterS)) },
  );
}

const MAX_BODY_BYTES = 256 * 1024;

function newRunId(): string {
  // Time-ordered prefix so ids sort roughly by creation; random suffix so they cannot be guessed.
  const random = crypto.getRandomValues(new Uint8Array(10));
  return `run_${Date.now().toString(36)}${[...random].map((b) => b.toString(36).padStart(2, "0")).join("").slice(0, 16)}`;
}

/** True when base_url is this very service's reference models: such calls stay inside the Worker. */
export function isOwnReferenceUrl(baseUrl: string, requestUrl: string, publicOrigin?: string): boolean {
  const url = new URL(baseUrl);
  const origins = [new URL(requestUrl).origin, publicOrigin ? new URL(publicOrigin).origin : null];
  return origins.includes(url.origin) && /^\/reference\/v1\/?$/.test(url.pathname);
}

/** 503 when the service has no key ring to seal a secret with (never a crash, never plaintext). */
async function requireSecretsStorage(env: Env, what: string): Promise<void> {
  try {
    await keyRing(env.SECRETS_KEYS);
  } catch (error) {
    if (!(error instanceof SecretsConfigError)) throw error;
    throw new ProblemError(problem("secrets-unavailable", 503, `secrets storage not configured: ${what} cannot be stored (the service has no SECRETS_KEYS key ring)`));
  }
}

async function notFound(c: Context<AppEnv>, id: string): Promise<never> {
  throw new ProblemError(problem("not-found", 404, `no run with id ${id}`));
}

const createRun = createRoute({
  method: "post",
  path: "/v1/runs",
  summary: "Submit an evaluation run",
  description:
    "Validates the model and suites, plans one probe per grid cell and queues them. Answers 202 with the run; poll `Location`. " +
    "With `?dry_run=true` it only validates and plans (probe count, prompt tokens) and sends nothing. " +
    "An `Idempotency-Key` header makes retries safe: the same key and body return the same run; the same key with another body is refused (422). " +
    "Needs a token; the run belongs to its account, which may submit RUNS_PER_ACCOUNT_PER_DAY runs per 24 h (429 with Retry-After beyond; dry runs do not count).",
  security: TOKEN_REQUIRED,
  middleware: [
    tokenRequired,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problemResponse(c, problem("body-too-large", 413, `request bodies are limited to ${MAX_BODY_BYTES} bytes`)),
    }),
  ] as const,
  request: {
    query: z.object({ dry_run: z.enum(["true", "false"]).optional().openapi({ description: "Plan only; send nothing." }) }),
    headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }),
    body: { content: { "application/json": { schema: CreateRunRequest } }, required: true },
  },
  responses: {
    202: { description: "Run accepted", content: { "application/json": { schema: Run } } },
    200: { description: "Dry run: the plan", content: { "application/json": { schema: RunPlan } } },
    ...problemResponses(400, 401, 413, 422, 429, 503),
  },
});

runsApi.openapi(createRun, async (c) => {
  const principal = requirePrincipal(c);
  const request = c.req.valid("json");
  const dryRun = c.req.valid("query").dry_run === "true";
  const env: Env = c.env;
  const caps = runCaps(env);
  if (request.model.max_concurrency > caps.maxConcurrency) {
    throw new ProblemError(
      problem("validation-failed", 422, `/model/max_concurrency: at most ${caps.maxConcurrency} on this service`, {
        errors: [{ pointer: "/model/max_concurrency", detail: `at most ${caps.maxConcurrency} on this service`, in: "body" }],
      }),
    );
  }
  const internal = isOwnReferenceUrl(request.model.base_url, c.req.url, env.PUBLIC_ORIGIN);
  // Every user-supplied URL passes the same SSRF guard, dry runs included; all refusals are listed.
  const urlPolicy = { allowLoopback: envFlag(env.ALLOW_LOOPBACK_ENDPOINTS) };
  const refusedUrls: FieldError[] = [];
  if (!internal) {
    const verdict = checkOutboundUrl(request.model.base_url, urlPolicy);
    if (!verdict.ok) refusedUrls.push({ pointer: "/model/base_url", detail: verdict.reason, in: "body" });
  }
  if (request.webhook) {
    const verdict = checkOutboundUrl(request.webhook.url, urlPolicy);
    if (!verdict.ok) refusedUrls.push({ pointer: "/webhook/url", detail: verdict.reason, in: "body" });
  }
  // The account's default webhook, checked again: the policy may have changed since it was set.
  const accountDefault = request.webhook === undefined ? await accountDefaultWebhook(env, principal.accountId) : null;
  if (accountDefault) {
    const verdict = checkOutboundUrl(accountDefault.url, urlPolicy);
    if (!verdict.ok) refusedUrls.push({ pointer: "/webhook", detail: `the account's default webhook is refused: ${verdict.reason}; set another or send "webhook": null`, in: "body" });
  }
  if (refusedUrls.length) {
    const [first] = refusedUrls;
    throw new ProblemError(
      problem("endpoint-rejected-url", 422, refusedUrls.length === 1 ? `${first!.pointer}: ${first!.detail}` : `${refusedUrls.length} URLs are not allowed; see errors[]`, {
        errors: refusedUrls,
      }),
    );
  }
  const plan = await planRun(request, caps.maxProbes, suiteContext(env), caps.maxContextLength);
  // After every input check (bad input is a 422, never a 5xx): a key that cannot be sealed is not
  // accepted, not even for the plan of a run that could not be submitted.
  if (request.model.api_key !== undefined) await requireSecretsStorage(env, "endpoint API keys");
  if (dryRun) {
    const maxCompletionTokens = plan.estimates.reduce((s, e) => s + e.max_completion_tokens, 0);
    const latency = internal ? null : await endpointLatencyModel(env, request.model.base_url, request.model.model);
    return c.json(
      {
        dry_run: true as const,
        probes: plan.points.length,
        prompt_tokens: plan.promptTokens,
        max_completion_tokens: maxCompletionTokens,
        cost_usd: costUsd(request.model, plan.promptTokens, maxCompletionTokens),
        time_s: latency ? estimateWallSeconds(latency, plan.promptTokens, plan.points.length, request.model.max_concurrency) : null,
        time_basis: latency
          ? `${latency.samples} earlier probes of this endpoint: ${Math.round(latency.fixedMs)} ms + ${(latency.msPerToken * 1000).toFixed(3)} ms per 1K prompt tokens, at max_concurrency ${request.model.max_concurrency}`
          : "no earlier probes of this endpoint and model to measure its latency",
        suites: plan.estimates,
      },
      200,
    );
  }

  const db = database(env.DB);
  const idempotencyKey = c.req.valid("header")["idempotency-key"] ?? null;
  const requestSha256 = await sha256Hex(JSON.stringify(request));
  if (idempotencyKey) {
    // Keys are scoped to the account: one account cannot replay (or read) another's submission.
    const previous = await env.DB.prepare(`SELECT id, request_sha256 FROM runs WHERE idempotency_key = ? AND account_id = ? LIMIT 1`)
      .bind(idempotencyKey, principal.accountId)
      .first<{ id: string; request_sha256: string }>();
    if (previous) {
      if (previous.request_sha256 !== requestSha256) {
        throw new ProblemError(problem("idempotency-key-reused", 422, "this Idempotency-Key was used with a different request body"));
      }
      const run = (await getRun(db, previous.id))!;
      c.header("Location", `/v1/runs/${run.id}`);
      return c.json(runResource(run, await listProbes(db, run.id), { manages: true }), 202);
    }
  }

  // Checked here to refuse early, and again atomically with the insert below.
  const usage = await dailyRunUsage(env, principal.accountId);
  if (usage.limit !== null && usage.used >= usage.limit) throw quotaExceeded(usage);

  const { api_key: apiKey, ...publicModel } = request.model;
  const id = newRunId();
  const now = Date.now();
  const apiKeySealed = apiKey === undefined ? null : await sealRunApiKey(env, id, apiKey);
  // The webhook secret is sealed at rest; a generated one is shown in this answer only.
  // The webhook's secret is sealed at rest for this run; a generated one is shown in this answer only.
  // Without a `webhook` (undefined, not null) the run takes its account's default webhook.
  let webhook: { url: string; secretSealed: string; origin: string } | null = null;
  let generatedSecret: string | undefined;
  const chosen = request.webhook
    ? { url: request.webhook.url, secret: request.webhook.secret ?? (generatedSecret = generateWebhookSecret()) }
    : request.webhook === undefined
      ? accountDefault
      : null;
  if (chosen) {
    const secret = chosen.secret;
    try {
      webhook = { url: chosen.url, secretSealed: await sealSecret(env.SECRETS_KEYS, secret, webhookSecretContext(id)), origin: new URL(c.req.url).origin };
    } catch (error) {
      if (!(error instanceof SecretsConfigError)) throw error;
      throw new ProblemError(problem("secrets-unavailable", 503, "webhook secrets cannot be stored: the service has no SECRETS_KEYS key ring configured"));
    }
  }
  const inserted = await insertRun(env.DB, {
    id,
    modelName: request.model.name,
    modelJson: JSON.stringify(publicModel),
    apiKeySealed,
    accountId: principal.accountId,
    internalEndpoint: internal,
    reference: internal && getReferenceModel(request.model.model) !== undefined,
    recipes: plan.recipes,
    points: plan.points,
    public: request.public,
    now,
    idempotencyKey,
    requestSha256,
    series: request.series ?? null,
    step: request.step ?? null,
    tokensTrained: request.tokens_trained ?? null,
    webhook,
    dailyCap: usage.limit === null ? null : { limit: usage.limit, since: now - DAY_MS },
  });
  if (!inserted) throw quotaExceeded(await dailyRunUsage(env, principal.accountId)); // parallel submissions took the last slots
  const run = (await getRun(db, id))!;
  await dispatchRun(env, run, now);
  // The sweeper repairs lost work; arming it is idempotent.
  c.executionCtx.waitUntil(sweeperStub(env).ensureArmed());
  c.header("Location", `/v1/runs/${id}`);
  c.header("Retry-After", "2");
  const resource = runResource(run, [], { manages: true });
  if (generatedSecret && resource.webhook) resource.webhook = { ...resource.webhook, secret: generatedSecret };
  return c.json(resource, 202);
});

const listRuns = createRoute({
  method: "get",
  path: "/v1/runs",
  summary: "List runs, newest first",
  description: "Public runs, plus the private runs of the token's account (the admin token sees every run).",
  security: TOKEN_OPTIONAL,
  request: { query: PageQuery },
  responses: {
    200: { description: "A page of runs", content: { "application/json": { schema: Page(Run, "RunPage") } } },
    ...problemResponses(422),
  },
});

const isRunCursor = (v: unknown): v is { c: number; i: string } =>
  typeof v === "object" && v !== null && typeof (v as { c: unknown }).c === "number" && typeof (v as { i: unknown }).i === "string";

runsApi.openapi(listRuns, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = cursor ? decodeCursor(cursor, isRunCursor) : null;
  if (cursor && !after) throw new ProblemError(problem("validation-failed", 422, "cursor is not valid", { errors: [{ pointer: "/cursor", detail: "not a cursor this API issued", in: "query" }] }));
  const rows = await pageRuns(database(c.env.DB), after ? { createdAt: after.c, id: after.i } : null, limit + 1, c.get("principal"));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json(
    { data: page.map((r) => runResource(r, [], { manages: canManage(c.get("principal"), r) })), next_cursor: rows.length > limit && last ? encodeCursor({ c: last.createdAt, i: last.id }) : null },
    200,
  );
});

const getRunRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}",
  summary: "A run with its progress and scores",
  description: "A private run is shown only to its account's tokens and the admin; to anyone else it does not exist (404).",
  security: TOKEN_OPTIONAL,
  request: { params: RunIdParam },
  responses: {
    200: { description: "The run", content: { "application/json": { schema: Run } } },
    ...problemResponses(404),
  },
});

runsApi.openapi(getRunRoute, async (c) => {
  const { id } = c.req.valid("param");
  const db = database(c.env.DB);
  const run = await visibleRun(c, id);
  return c.json(runResource(run, run.resultsJson ? undefined : await listProbes(db, id), { manages: canManage(c.get("principal"), run) }), 200);
});

const listProbesRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/probes",
  summary: "The run's probes with responses and scores",
  security: TOKEN_OPTIONAL,
  request: { params: RunIdParam, query: PageQuery },
  responses: {
    200: { description: "A page of probes in idx order", content: { "application/json": { schema: Page(Probe, "ProbePage") } } },
    ...problemResponses(404, 422),
  },
});

const isProbeCursor = (v: unknown): v is { i: number } => typeof v === "object" && v !== null && Number.isInteger((v as { i: unknown }).i);

runsApi.openapi(listProbesRoute, async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const db = database(c.env.DB);
  await visibleRun(c, id);
  const after = cursor ? decodeCursor(cursor, isProbeCursor) : null;
  if (cursor && !after) throw new ProblemError(problem("validation-failed", 422, "cursor is not valid", { errors: [{ pointer: "/cursor", detail: "not a cursor this API issued", in: "query" }] }));
  const rows = await pageProbes(db, id, after ? after.i : -1, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json({ data: page.map(probeResource), next_cursor: rows.length > limit && last ? encodeCursor({ i: last.idx }) : null }, 200);
});

const getProbeRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/probes/{idx}",
  summary: "One probe with its response and scores",
  security: TOKEN_OPTIONAL,
  request: { params: ProbeParams },
  responses: {
    200: { description: "The probe", content: { "application/json": { schema: Probe } } },
    ...problemResponses(404),
  },
});

async function findProbe(c: Context<AppEnv>, id: string, idx: number) {
  const db = database(c.env.DB);
  const run = await visibleRun(c, id);
  const probe = await getProbe(db, id, idx);
  if (!probe) throw new ProblemError(problem("not-found", 404, `run ${id} has no probe ${idx}`));
  return { run, probe };
}

runsApi.openapi(getProbeRoute, async (c) => {
  const { id, idx } = c.req.valid("param");
  const { probe } = await findProbe(c, id, idx);
  return c.json(probeResource(probe), 200);
});

const probePromptRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/probes/{idx}/prompt",
  summary: "Rebuild the exact prompt of a probe",
  description:
    "Rebuilds the prompt from the run's stored recipe (corpus and version, tokenizer, length, depth, template). " +
    "Its SHA-256 equals the probe's prompt_sha256, so anyone can check what was sent.",
  security: TOKEN_OPTIONAL,
  request: { params: ProbeParams },
  responses: {
    200: { description: "The prompt", content: { "application/json": { schema: ProbePrompt } } },
    ...problemResponses(404, 409),
  },
});

runsApi.openapi(probePromptRoute, async (c) => {
  const { id, idx } = c.req.valid("param");
  const { run, probe } = await findProbe(c, id, idx);
  const recipe = recipesOf(run).find((r) => r.index === probe.suiteIndex)!;
  let built;
  try {
    // Endpoint-tokenized probes rebuild from their stored cuts: the endpoint is never called here.
    built = await suiteOf(recipe).build(recipe as never, pointOf(probe), suiteContext(c.env as Env));
  } catch (error) {
    if (error instanceof EndpointBuildMissingError) throw new ProblemError(problem("probe-not-built", 409, error.message));
    throw error;
  }
  const text = built.prompt.api === "chat" ? { messages: built.prompt.messages } : { prompt: built.prompt.prompt };
  return c.json(
    {
      run_id: id,
      idx,
      api: built.prompt.api,
      ...text,
      prompt_sha256: await sha256Hex(promptFingerprintText(built.prompt)),
      constructed_tokens: built.constructedTokens,
      max_tokens: built.maxTokens,
    },
    200,
  );
});

const heatmapRoute = createRoute({
  method: "get",
  path: "/v1/runs/{id}/heatmap",
  summary: "Needle heatmap: rows are depths, columns lengths",
  security: TOKEN_OPTIONAL,
  request: {
    params: RunIdParam,
    query: z.object({
      metric: z.string().max(32).default("paper").openapi({ description: "paper, rouge1 or contains." }),
      suite: z.coerce.number().int().min(0).optional().openapi({ description: "Suite index; default the first needle suite." }),
    }),
  },
  responses: {
    200: { description: "Scores in 0–1, null where nothing is scored yet", content: { "application/json": { schema: Heatmap } } },
    ...problemResponses(404, 422),
  },
});

runsApi.openapi(heatmapRoute, async (c) => {
  const { id } = c.req.valid("param");
  const { metric, suite } = c.req.valid("query");
  const db = database(c.env.DB);
  const run = await visibleRun(c, id);
  const needles = recipesOf(run).filter((r) => r.type === "needle");
  const recipe = suite === undefined ? needles[0] : needles.find((r) => r.index === suite);
  if (!recipe) {
    throw new ProblemError(problem("validation-failed", 422, "this run has no needle suite" + (suite === undefined ? "" : ` at index ${suite}`), {
      errors: [{ pointer: "/suite", detail: "no needle suite here", in: "query" }],
    }));
  }
  if (!SUITES.needle.metrics.includes(metric)) {
    throw new ProblemError(problem("validation-failed", 422, `unknown metric "${metric}"; use one of ${SUITES.needle.metrics.join(", ")}`, {
      errors: [{ pointer: "/metric", detail: `one of ${SUITES.needle.metrics.join(", ")}`, in: "query" }],
    }));
  }
  const matrix = needleHeatmap(recipe, (await listProbes(db, id)).map(settledProbeOf), metric);
  return c.json({ run_id: id, suite: recipe.index, metric, ...matrix }, 200);
});

const cancelRoute = createRoute({
  method: "post",
  path: "/v1/runs/{id}/cancel",
  summary: "Cancel a queued or running run",
  description: "Probes not yet settled are marked cancelled and no further calls are made. A finished run answers 409. Needs the run's account token or the admin token.",
  security: TOKEN_REQUIRED,
  middleware: [tokenRequired] as const,
  request: { params: RunIdParam },
  responses: {
    200: { description: "The cancelled run", content: { "application/json": { schema: Run } } },
    ...problemResponses(401, 403, 404, 409),
  },
});

runsApi.openapi(cancelRoute, async (c) => {
  const { id } = c.req.valid("param");
  const db = database(c.env.DB);
  await managedRun(c, id);
  const now = Date.now();
  const [cancelled] = await c.env.DB.batch([
    c.env.DB.prepare(`UPDATE runs SET status = 'cancelled', finished_at = ?, last_progress_at = ? WHERE id = ? AND status IN ('queued', 'running')`).bind(now, now, id),
    // Runs only once the run is cancelled: pending probes of a cancelled run will never be called.
    c.env.DB.prepare(`UPDATE probes SET status = 'cancelled', lease_until = NULL WHERE run_id = ? AND status = 'pending' AND (SELECT status FROM runs WHERE id = ?) = 'cancelled'`).bind(id, id),
  ]);
  const run = (await getRun(db, id)) ?? (await notFound(c, id));
  if (cancelled!.meta.changes !== 1) {
    throw new ProblemError(problem("run-not-cancellable", 409, `run ${id} is already ${run.status}`));
  }
  // This request won the cancellation, so it alone emits run.cancelled.
  await emitRunEventSafely(c.env, id);
  await forgetRunAtLimiter(c.env, run);
  return c.json(runResource(run, await listProbes(db, id), { manages: true }), 200);
});
