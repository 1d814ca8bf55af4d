// `eval --wait`: poll a run until it finishes, drawing a progress bar (in place on a terminal,
// one line every few seconds in logs).
import { progressLine, type ProgressState } from "../render";
import type { Run } from "./api-types";
import { NetworkError, type ApiClient } from "./client";
import { writeLine, type CliIo, type OutputStream } from "./io";

export const TERMINAL_STATUSES: readonly string[] = ["succeeded", "failed", "cancelled"];

export interface FollowOptions {
  /** Where the progress goes (stderr when stdout carries JSON). */
  stream: OutputStream;
  pollMs?: number;
  /** Without a terminal, how often a progress line is printed. */
  logEveryMs?: number;
  /** Consecutive failed polls tolerated before giving up (a restarting dev server, a flaky link). */
  maxNetworkErrors?: number;
}

export async function followRun(client: ApiClient, submitted: Run, io: CliIo, options: FollowOptions): Promise<Run> {
  const { stream, pollMs = 1000, logEveryMs = 10_000, maxNetworkErrors = 5 } = options;
  const interactive = stream.isTTY === true;
  const state: ProgressState = { label: submitted.model.name.slice(0, 18), done: 0, total: submitted.progress.total, failed: 0, status: submitted.status, startedAt: io.now() };
  let run = submitted;
  let lastLogged = -Infinity;
  let networkErrors = 0;
  for (;;) {
    Object.assign(state, { done: run.progress.done, total: run.progress.total, failed: run.progress.failed, status: run.status, retrying: run.progress.retrying ?? 0, lastError: run.last_error ?? null });
    const finished = TERMINAL_STATUSES.includes(run.status);
    const line = progressLine(state, io.now());
    if (interactive) {
      stream.write(`\r\x1b[2K${line}${finished ? "\n" : ""}`);
    } else if (finished || io.now() - lastLogged >= logEveryMs) {
      writeLine(stream, line);
      lastLogged = io.now();
    }
    if (finished) return run;
    await io.sleep(pollMs);
    try {
      run = await client.request<Run>("GET", `/v1/runs/${encodeURIComponent(run.id)}`);
      networkErrors = 0;
    } catch (error) {
      if (!(error instanceof NetworkError) || ++networkErrors > maxNetworkErrors) throw error;
    }
  }
}
