// Simulated endpoint latency for benchmarks: header `x-reference-latency-ms: N` or query `latency_ms=N`.

export const LATENCY_HEADER = "x-reference-latency-ms";
export const LATENCY_QUERY = "latency_ms";
/** Upper bound so a typo cannot park a request (and a Worker) for minutes. */
export const MAX_LATENCY_MS = 60_000;

/** Milliseconds to wait: 0 when absent, capped at MAX_LATENCY_MS; undefined when not a number ≥ 0. */
export function parseLatencyMs(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return 0;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_LATENCY_MS);
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
