// The bench's client for the local service: submit a run and wait for it to settle.
import { performance } from "node:perf_hooks";
import { authHeaders } from "../run-audit";
import type { BenchEndpoint } from "../bench-endpoint";

/** Where the local service listens and the admin token its submissions need. */
export interface BenchService {
  url: string;
  token: string | undefined;
}

export interface SettledRun {
  id: string;
  wallS: number;
  run: Record<string, any>;
}

export async function submitAndWait(service: BenchService, body: unknown, pollMs = 100): Promise<SettledRun> {
  const started = performance.now();
  // An Idempotency-Key makes it safe to resend the POST when an idle keep-alive connection was
  // closed by the server under us (fetch does not retry POSTs itself).
  const init = { method: "POST", headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID(), ...authHeaders(service.token) }, body: JSON.stringify(body) };
  const res = await fetch(`${service.url}/v1/runs`, init).catch(() => fetch(`${service.url}/v1/runs`, init));
  if (res.status !== 202) throw new Error(`submission failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const run = (await (await fetch(`${service.url}/v1/runs/${id}`, { headers: authHeaders(service.token) })).json()) as Record<string, any>;
    if (["succeeded", "failed", "cancelled"].includes(run.status)) return { id, wallS: (performance.now() - started) / 1000, run };
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** A run's `model` for one of the bench's own endpoints. */
export function benchModel(endpoint: BenchEndpoint, name: string, concurrency: number) {
  return { name, base_url: endpoint.url, model: name, tokenizer: "cl100k_base", context_window: 131072, max_concurrency: concurrency, request_timeout_s: 60 };
}
