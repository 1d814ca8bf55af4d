// Queue messages carry ids only: a 128K-token prompt is ~500 KB and a message holds 128 KB,
// so the consumer rebuilds each prompt from the run's recipe in D1.
export interface ProbeMessage {
  v: 1;
  run_id: string;
  idx: number;
}

export function probeMessage(runId: string, idx: number): ProbeMessage {
  return { v: 1, run_id: runId, idx };
}

export function isProbeMessage(body: unknown): body is ProbeMessage {
  const m = body as Partial<ProbeMessage> | null;
  return !!m && m.v === 1 && typeof m.run_id === "string" && Number.isInteger(m.idx);
}
