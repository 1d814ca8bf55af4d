// Event payloads (Standard Webhooks shape: type, timestamp, data). Thin on purpose — a run summary
// and links, well under the spec's 20 kB advice — and built once per event: the stored bytes are what
// every attempt and redelivery sends and signs.
import { runWarnings } from "../warnings";
import { iso } from "../../common/time";
import type { RunRow } from "../../db/schema";
import type { LossFigures } from "../../probes/loss/figures";
import type { NonliteralFigures } from "../../probes/nonliteral/figures";
import type { RulerFigures } from "../../probes/ruler/figures";
import type { SuiteAggregate } from "../../probes/suites/aggregate";
import type { PingEventPayload, RunEventPayload } from "../../contract/webhooks";

export const RUN_EVENT_TYPES = ["run.succeeded", "run.failed", "run.cancelled"] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];
export const PING_EVENT_TYPE = "webhook.ping" as const;

export function runEventType(status: RunRow["status"]): RunEventType | null {
  if (status === "succeeded") return "run.succeeded";
  if (status === "failed") return "run.failed";
  if (status === "cancelled") return "run.cancelled";
  return null;
}

/** PUBLIC_ORIGIN when configured, else the origin the run was submitted to: fixed per run. */
export function linkOrigin(publicOrigin: string | undefined, run: Pick<RunRow, "webhookOrigin">): string {
  if (publicOrigin) {
    try {
      return new URL(publicOrigin).origin;
    } catch {
      // a malformed PUBLIC_ORIGIN falls back to the submission origin
    }
  }
  return run.webhookOrigin ?? "";
}

export function runLinks(origin: string, runId: string) {
  return { run: `${origin}/v1/runs/${runId}`, page: `${origin}/runs/${runId}` };
}

function gapOf(figures: NonliteralFigures) {
  const gap = figures.literal_gap?.relative;
  return gap ? { length: gap.length, low: gap.low, high: gap.high } : null;
}

function rulerOf(figures: RulerFigures) {
  const { length, low, high } = figures.effective_context_length.ruler;
  return { average: figures.average, effective_context_length: { length, low, high } };
}

function lossAtOf(figures: LossFigures) {
  return Object.fromEntries(Object.entries(figures.loss_at).map(([length, { loss, low, high }]) => [length, { loss, low, high }]));
}

export function runEventPayload(type: RunEventType, run: RunRow, suites: SuiteAggregate[], origin: string): RunEventPayload {
  const needle = suites.find((s) => s.type === "needle" && s.effective_context_length);
  const ecl = needle?.effective_context_length;
  return {
    type,
    // When the event occurred, so every attempt and redelivery carries the same bytes.
    timestamp: iso(run.finishedAt ?? run.lastProgressAt),
    data: {
      run_id: run.id,
      status: run.status as RunEventPayload["data"]["status"],
      model: { name: run.modelName },
      reference: run.reference === 1,
      public: run.public === 1,
      series: run.series,
      step: run.step,
      tokens_trained: run.tokensTrained,
      progress: { total: run.total, done: run.done, failed: run.failed, unscorable: run.unscorable, truncated: run.truncated, incomplete: run.incomplete, token_mismatches: run.tokenMismatches },
      suites: suites.map((s) => ({
        index: s.index,
        type: s.type,
        ...(s.dataset ? { dataset: s.dataset } : {}),
        scores: s.scores,
        ...(s.effective_context_length
          ? { effective_context_length: { length: s.effective_context_length.length, low: s.effective_context_length.low, high: s.effective_context_length.high } }
          : {}),
        ...(s.nonliteral ? { literal_gap: gapOf(s.nonliteral) } : {}),
        ...(s.loss ? { loss_at: lossAtOf(s.loss) } : {}),
        ...(s.ruler ? { ruler: rulerOf(s.ruler) } : {}),
        ...(s.mmlu ? { mmlu: { scoring: s.mmlu.scoring, micro: s.mmlu.micro?.acc ?? null, macro: s.mmlu.macro?.acc ?? null } } : {}),
      })),
      effective_context_length: ecl ? { length: ecl.length, low: ecl.low, high: ecl.high, suite: needle!.index } : null,
      regression: run.regression,
      warnings: runWarnings(run, suites),
      error: run.error,
      created_at: iso(run.createdAt),
      finished_at: iso(run.finishedAt),
      links: runLinks(origin, run.id),
    },
  };
}

export function pingPayload(run: Pick<RunRow, "id" | "status">, origin: string, now: number): PingEventPayload {
  return { type: PING_EVENT_TYPE, timestamp: new Date(now).toISOString(), data: { run_id: run.id, status: run.status, links: runLinks(origin, run.id) } };
}
