// GET /runs/{id}/events[?metric=…]: live progress of a run as Server-Sent Events, for the run page.
// `progress` every second with an `id:` (a browser that reconnects sends Last-Event-ID and the
// numbering continues), then a terminal `done` when the run has finished, and the stream closes.
// While the run is live, each second also has (before its `progress`, without an id):
// - `cells` when heatmap cells changed: {cells: [{heatmap, idx, length, depth, status, score, fill,
//   title}]}, the needle heatmaps on `metric` (as the page shows them). The first one of a stream
//   holds every settled cell, so a reconnect, or a page drawn a moment earlier, misses nothing;
// - `live`: pace (rate_per_min, eta_s), retries (retrying, last_error), the endpoint's limiter.
// Bounded: after 10 minutes the server closes and EventSource reconnects on its own.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../http/app-env";
import { isFinished } from "../lifecycle/run-model";
import { runCounters, type RunProgress } from "../lifecycle/runs";
import { SUITES } from "../probes/suites";
import { LiveWatch } from "./live-watch";

export const POLL_MS = 1000;
export const MAX_STREAM_MS = 10 * 60 * 1000;
const RETRY_MS = 3000;

const payload = (p: RunProgress) =>
  JSON.stringify({ status: p.status, progress: { total: p.total, done: p.done, failed: p.failed, unscorable: p.unscorable, truncated: p.truncated, incomplete: p.incomplete } });

/** The run must exist and be public; the caller answers 404 otherwise. */
export function streamRunEvents(c: Context<AppEnv>, id: string, first: RunProgress): Response {
  let seq = Number.parseInt(c.req.header("Last-Event-ID") ?? "", 10);
  if (!Number.isFinite(seq) || seq < 0) seq = 0;
  // Streaming through wrangler dev may buffer compressed bodies; identity encoding avoids that.
  c.header("Content-Encoding", "Identity");
  const asked = c.req.query("metric") ?? "";
  const metric = SUITES.needle.metrics.includes(asked) ? asked : SUITES.needle.metrics[0]!;
  return streamSSE(c, async (stream) => {
    const deadline = Date.now() + MAX_STREAM_MS;
    const watch = isFinished(first.status) ? null : await LiveWatch.open(c.env, id, metric);
    let current: RunProgress | undefined = first;
    while (current && !stream.aborted) {
      seq += 1;
      if (watch) {
        // The last tick's cells too: the page's heatmap is full when `done` arrives.
        const cells = await watch.cells(current);
        if (cells.length) await stream.writeSSE({ event: "cells", data: JSON.stringify({ cells }) });
        if (!isFinished(current.status)) await stream.writeSSE({ event: "live", data: JSON.stringify(await watch.state(current)) });
      }
      await stream.writeSSE({ event: "progress", id: String(seq), data: payload(current), retry: RETRY_MS });
      if (isFinished(current.status)) {
        await stream.writeSSE({ event: "done", id: String(seq + 1), data: JSON.stringify({ status: current.status }) });
        return;
      }
      if (Date.now() + POLL_MS > deadline) return;
      await stream.sleep(POLL_MS);
      current = await runCounters(c.env, id);
    }
  });
}
