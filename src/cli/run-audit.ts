// Shared by `npm run soak`, `npm run test:crash` and their e2e test: submit a run, wait for it, and
// audit that every probe settled exactly once (the run's counters agree with its probes).

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Sent with every request: the service may require a bearer token (its admin token locally). */
export function authHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export interface Client {
  base: string;
  token?: string;
}

export async function getJson(client: Client, path: string): Promise<Json> {
  const res = await fetch(`${client.base}${path}`, { headers: authHeaders(client.token) });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Json;
}

export async function submitRun(client: Client, body: unknown): Promise<string> {
  // The Idempotency-Key makes a resend safe if the server closed an idle keep-alive connection.
  const init = {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID(), ...authHeaders(client.token) },
    body: JSON.stringify(body),
  };
  const res = await fetch(`${client.base}/v1/runs`, init).catch(() => fetch(`${client.base}/v1/runs`, init));
  if (res.status !== 202) throw new Error(`submission refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

/** Polls until the run is finished, or `until(run)` holds; throws after `timeoutMs`. */
export async function waitForRun(client: Client, id: string, options: { timeoutMs: number; until?: (run: Json) => boolean; onPoll?: (run: Json) => void }): Promise<Json> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    let lastError = "";
    // Errors are tolerated until the deadline: the service may be restarting.
    const run = await getJson(client, `/v1/runs/${id}`).catch((error: unknown) => ((lastError = String(error)), null));
    if (run) {
      options.onPoll?.(run);
      if (TERMINAL.has(run.status) || options.until?.(run)) return run;
    }
    if (Date.now() > deadline) throw new Error(`run ${id} did not finish in ${options.timeoutMs / 1000} s: ${run ? JSON.stringify(run.progress) : lastError}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export async function allProbes(client: Client, id: string): Promise<Json[]> {
  const out: Json[] = [];
  let cursor: string | null = null;
  do {
    const page = (await getJson(client, `/v1/runs/${id}/probes?limit=100${cursor ? `&cursor=${cursor}` : ""}`)) as { data: Json[]; next_cursor: string | null };
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export interface Audit {
  run_id: string;
  status: string;
  total: number;
  scored: number;
  unscorable: number;
  failed: number;
  /** Probes by number of attempts: {"1": 300, "2": 80, …}. */
  attempts_histogram: Record<string, number>;
  attempts_total: number;
  /** Attempts that did not settle their probe, over all attempts: the fault rate the run survived. */
  observed_fault_rate: number;
  failed_errors: string[];
  violations: string[];
}

/** Checks "every probe settled exactly once" from the outside: counters, statuses, attempts. */
export function auditRun(run: Json, probes: Json[], expect: { total: number; maxAttempts: number }): Audit {
  const violations: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) violations.push(message);
  };
  const count = (status: string) => probes.filter((p) => p.status === status).length;
  const [scored, unscorable, failed, pending] = [count("scored"), count("unscorable"), count("failed"), count("pending")];
  const progress = run.progress as { total: number; done: number; failed: number; unscorable: number };

  check(run.status === "succeeded" || run.status === "failed", `run ended ${run.status}`);
  check(progress.total === expect.total, `progress.total ${progress.total} ≠ ${expect.total}`);
  check(progress.done === progress.total, `progress.done ${progress.done} ≠ total ${progress.total}`);
  check(probes.length === expect.total, `${probes.length} probes listed, expected ${expect.total}`);
  check(new Set(probes.map((p) => p.idx)).size === probes.length, "a probe index is listed twice");
  check(pending === 0, `${pending} probes still pending`);
  check(scored + unscorable + failed === expect.total, `scored ${scored} + unscorable ${unscorable} + failed ${failed} ≠ ${expect.total}`);
  check(progress.failed === failed, `progress.failed ${progress.failed} ≠ ${failed} failed probes`);
  check(progress.unscorable === unscorable, `progress.unscorable ${progress.unscorable} ≠ ${unscorable} unscorable probes`);
  const promptTokens = probes.reduce((sum, p) => sum + (p.prompt_tokens ?? 0), 0);
  check(run.usage?.prompt_tokens === promptTokens, `usage.prompt_tokens ${run.usage?.prompt_tokens} ≠ Σ probes ${promptTokens} (a probe counted twice?)`);
  const overTried = probes.filter((p) => p.attempts > expect.maxAttempts);
  check(overTried.length === 0, `${overTried.length} probes attempted more than ${expect.maxAttempts} times (idx ${overTried.slice(0, 5).map((p) => `${p.idx}:${p.attempts}`).join(", ")})`);
  const unattempted = probes.filter((p) => p.status !== "failed" && p.attempts < 1);
  check(unattempted.length === 0, `${unattempted.length} probes settled without an attempt`);

  const histogram: Record<string, number> = {};
  for (const p of probes) histogram[p.attempts] = (histogram[p.attempts] ?? 0) + 1;
  const attemptsTotal = probes.reduce((sum, p) => sum + p.attempts, 0);
  return {
    run_id: run.id,
    status: run.status,
    total: probes.length,
    scored,
    unscorable,
    failed,
    attempts_histogram: histogram,
    attempts_total: attemptsTotal,
    observed_fault_rate: attemptsTotal ? Math.round((1000 * (attemptsTotal - scored - unscorable)) / attemptsTotal) / 1000 : 0,
    failed_errors: probes.filter((p) => p.status === "failed").map((p) => String(p.error)).slice(0, 5),
    violations,
  };
}

/** `count` evenly spaced integers from `from` to `to`. */
export function spread(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(from + ((to - from) * i) / Math.max(1, count - 1)));
}
