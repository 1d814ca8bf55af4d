// A run's probes as CSV (GET /v1/runs/{id}/probes?format=csv): one row per probe, in idx order, with
// its cell, status, one column per score (`score_<name>`), token counts, timings and the response.
// Cells that a spreadsheet would run as formulas are neutralised as on the leaderboard (csvCell).
import type { Probe } from "../contract/run";
import { csvCell } from "./leaderboard";

const COLUMNS: [string, (p: Probe) => unknown][] = [
  ["idx", (p) => p.idx],
  ["suite", (p) => p.suite],
  ["suite_type", (p) => p.suite_type],
  ["context_length", (p) => p.context_length],
  ["depth_percent", (p) => p.depth_percent],
  ["item", (p) => p.item],
  ["kind", (p) => (p.facts?.suite === "ruler" ? p.facts.task : p.facts?.kind)],
  ["status", (p) => p.status],
  ["attempts", (p) => p.attempts],
];

const TRAILING: [string, (p: Probe) => unknown][] = [
  ["constructed_tokens", (p) => p.constructed_tokens],
  ["expected_prompt_tokens", (p) => p.expected_prompt_tokens],
  ["prompt_tokens", (p) => p.prompt_tokens],
  ["cached_tokens", (p) => p.cached_tokens],
  ["completion_tokens", (p) => p.completion_tokens],
  ["token_mismatch", (p) => p.token_mismatch],
  ["usage_dropped", (p) => p.usage_dropped],
  ["latency_ms", (p) => p.latency_ms],
  ["ttft_ms", (p) => p.ttft_ms],
  ["finish_reason", (p) => p.finish_reason],
  ["error", (p) => p.error],
  ["prompt_sha256", (p) => p.prompt_sha256],
  ["response", (p) => p.response],
];

/** The header line for probes whose scores have these names. */
export function probeCsvHeader(scoreNames: readonly string[]): string {
  return [...COLUMNS.map(([name]) => name), ...scoreNames.map((name) => `score_${name}`), ...TRAILING.map(([name]) => name)].map(csvCell).join(",") + "\r\n";
}

export function probeCsvRow(probe: Probe, scoreNames: readonly string[]): string {
  const cells = [...COLUMNS.map(([, get]) => get(probe)), ...scoreNames.map((name) => probe.scores?.[name]), ...TRAILING.map(([, get]) => get(probe))];
  return cells.map(csvCell).join(",") + "\r\n";
}

/** The whole CSV as a stream: the header, then each page's rows as it is read. */
export function probeCsvStream(scoreNames: readonly string[], pages: AsyncIterator<Probe[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(probeCsvHeader(scoreNames)));
        return;
      }
      const next = await pages.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map((p) => probeCsvRow(p, scoreNames)).join("")));
    },
  });
}
