// Database rows → API resources (snake_case JSON). The api_key never leaves this layer.
import type { ProbeRow, RunRow } from "../db/schema";
import { settledProbeOf } from "../lifecycle/finalize";
import { recipesOf } from "../lifecycle/store";
import { storedModel } from "../lifecycle/run-model";
import { costUsd } from "../lifecycle/estimate";
import { runTokenizationOf } from "../lifecycle/endpoint/tokenization";
import { aggregateSuites, type SuiteAggregate } from "../probes/suites/aggregate";
import type { z } from "@hono/zod-openapi";
import type { Probe, Run } from "../contract/run";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Who is looking: the webhook's URL and delivery log are the run's account's business only. */
export interface RunViewer {
  manages: boolean;
}

/** Finished runs carry stored aggregates; live runs are aggregated from their probes so far. */
export function runResource(run: RunRow, liveProbes: ProbeRow[] | undefined, viewer: RunViewer): Run {
  const showWebhook = viewer.manages && run.webhookUrl !== null;
  const suites: SuiteAggregate[] = run.resultsJson
    ? (JSON.parse(run.resultsJson) as SuiteAggregate[])
    : aggregateSuites(recipesOf(run), (liveProbes ?? []).map(settledProbeOf));
  const model = storedModel(run);
  const tokenization = runTokenizationOf(run);
  return {
    id: run.id,
    status: run.status,
    public: run.public === 1,
    reference: run.reference === 1,
    series: run.series,
    step: run.step,
    tokens_trained: run.tokensTrained,
    regression: run.regressionJson ? JSON.parse(run.regressionJson) : null,
    progress: { total: run.total, done: run.done, failed: run.failed, unscorable: run.unscorable, token_mismatches: run.tokenMismatches },
    model,
    lengths_approximate: tokenization?.mode === "calibrated",
    tokenization:
      tokenization === null
        ? null
        : tokenization.mode === "route"
          ? { mode: "route", route: tokenization.route.url, flavor: tokenization.route.flavor, fingerprint: tokenization.fingerprint }
          : { mode: "calibrated", proxy: tokenization.proxy, ratio: tokenization.ratio, intercept: tokenization.intercept, samples: tokenization.samples.length, reason: tokenization.reason },
    suites,
    usage: {
      prompt_tokens: run.promptTokens,
      completion_tokens: run.completionTokens,
      cached_tokens: run.cachedTokens,
      cached_ratio: run.promptTokens ? Math.round((10_000 * run.cachedTokens) / run.promptTokens) / 10_000 : null,
      cost_usd: costUsd(model, run.promptTokens, run.completionTokens, run.cachedTokens),
    },
    error: run.error,
    // The secret stays sealed in D1: only the fact that one is set is shown, and only to the run's account.
    webhook: showWebhook && run.webhookUrl
      ? { url: run.webhookUrl, secret_set: true as const, status: run.webhookStatus ?? "enabled", disabled_reason: run.webhookDisabledReason }
      : null,
    created_at: iso(run.createdAt)!,
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    links: {
      self: `/v1/runs/${run.id}`,
      probes: `/v1/runs/${run.id}/probes`,
      heatmap: `/v1/runs/${run.id}/heatmap`,
      cancel: `/v1/runs/${run.id}/cancel`,
      ...(showWebhook ? { webhook_deliveries: `/v1/runs/${run.id}/webhook-deliveries` } : {}),
    },
  };
}

export function probeResource(row: ProbeRow): z.infer<typeof Probe> {
  return {
    idx: row.idx,
    suite: row.suiteIndex,
    suite_type: row.suiteType,
    context_length: row.contextLength,
    depth_percent: row.depthPercent,
    item: row.item,
    status: row.status,
    attempts: row.attempts,
    constructed_tokens: row.constructedTokens,
    expected_prompt_tokens: row.expectedPromptTokens,
    prompt_tokens: row.promptTokens,
    cached_tokens: row.cachedTokens,
    token_mismatch: row.tokenMismatch === 1,
    completion_tokens: row.completionTokens,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    finish_reason: row.finishReason,
    response: row.response,
    scores: row.scoresJson ? (JSON.parse(row.scoresJson) as Record<string, number>) : null,
    prompt_sha256: row.promptSha256,
    error: row.error,
  };
}

/** Opaque keyset cursors: base64url of JSON. They grant nothing; they only say where to resume. */
export function encodeCursor(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T | null {
  try {
    const value: unknown = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    return check(value) ? value : null;
  } catch {
    return null;
  }
}
