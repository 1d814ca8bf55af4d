// Runs and probes as the API and the pages show them (the contract's Run and Probe). The api_key
// and the webhook's secret never leave D1; the webhook itself only to the run's account.
import { iso } from "../common/time";
import type { Probe, Run } from "../contract/run";
import type { ProbeRow, RunRow } from "../db/schema";
import type { RunTokenization } from "../probes/needle/endpoint-tokenization";
import { aggregateSuites } from "../probes/suites/aggregate";
import type { SettledProbe, SuiteAggregate } from "../probes/suites/suite";
import { costUsd } from "./estimate";
import { storedModel } from "./run-model";
import { runWarnings } from "./warnings";

/** Who is looking: the webhook's URL and delivery log are the run's account's business only. */
export interface RunViewer {
  manages: boolean;
}

/** A live run's retries (store/runs.ts retryState); finished runs and listings have none. */
export interface RunRetries {
  retrying: number;
  lastError: string | null;
}

function tokenizationView(tokenization: RunTokenization | null): Run["tokenization"] {
  if (tokenization === null) return null;
  if (tokenization.mode === "route") return { mode: "route", route: tokenization.route.url, flavor: tokenization.route.flavor, fingerprint: tokenization.fingerprint };
  const { proxy, ratio, intercept, samples, reason } = tokenization;
  return { mode: "calibrated", proxy, ratio, intercept, samples: samples.length, reason };
}

function webhookView(run: RunRow, viewer: RunViewer): Run["webhook"] {
  // The secret stays sealed in D1: only the fact that one is set is shown, and only to the run's account.
  if (!viewer.manages || run.webhookUrl === null) return null;
  return { url: run.webhookUrl, secret_set: true, status: run.webhookStatus ?? "enabled", disabled_reason: run.webhookDisabledReason };
}

/** A run's per-suite results: stored once it finished, else aggregated from its probes so far. */
export function suitesOf(run: RunRow, probes: SettledProbe[]): SuiteAggregate[] {
  return run.results ?? aggregateSuites(run.suites, probes);
}

/** The run as shown; `suites` are its results (./runs.ts reads a live run's without scanning every probe each time). */
export function runView(run: RunRow, suites: SuiteAggregate[], viewer: RunViewer, retries: RunRetries = { retrying: 0, lastError: null }, truncatedTo: number | null = null): Run {
  const model = storedModel(run);
  const webhook = webhookView(run, viewer);
  return {
    id: run.id,
    status: run.status,
    public: run.public === 1,
    reference: run.reference === 1,
    series: run.series,
    step: run.step,
    tokens_trained: run.tokensTrained,
    regression: run.regression,
    progress: { total: run.total, done: run.done, failed: run.failed, unscorable: run.unscorable, truncated: run.truncated, incomplete: run.incomplete, token_mismatches: run.tokenMismatches, retrying: retries.retrying },
    model,
    warnings: runWarnings(run, suites, truncatedTo),
    preflight: run.preflight ?? null,
    lengths_approximate: run.tokenization?.mode === "calibrated",
    tokenization: tokenizationView(run.tokenization),
    last_error: retries.lastError,
    prompt_logprobs: run.logprobs,
    mc_scoring: run.mcScoring,
    serving: run.serving,
    suites,
    usage: {
      prompt_tokens: run.promptTokens,
      completion_tokens: run.completionTokens,
      cached_tokens: run.cachedTokens,
      cached_ratio: run.promptTokens ? Math.round((10_000 * run.cachedTokens) / run.promptTokens) / 10_000 : null,
      cost_usd: costUsd(model, run.promptTokens, run.completionTokens, run.cachedTokens),
    },
    error: run.error,
    webhook,
    created_at: iso(run.createdAt),
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    links: {
      self: `/v1/runs/${run.id}`,
      probes: `/v1/runs/${run.id}/probes`,
      heatmap: `/v1/runs/${run.id}/heatmap`,
      cancel: `/v1/runs/${run.id}/cancel`,
      ...(webhook ? { webhook_deliveries: `/v1/runs/${run.id}/webhook-deliveries` } : {}),
    },
  };
}

export function probeView(row: ProbeRow): Probe {
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
    usage_dropped: row.usageDropped === 1,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    finish_reason: row.finishReason,
    response: row.response,
    reasoning: row.reasoning,
    scores: row.scores,
    prompt_sha256: row.promptSha256,
    facts: row.facts ?? null,
    error: row.error,
  };
}
