// The run page's data links: the run and its probes as JSON, the probes as CSV, the summary as
// Markdown (for a model card), the heatmap matrix. Each chart's own SVG / PNG download is added
// beside it by the page's script (./client.ts): it needs the drawn SVG, and works offline.
import type { FC } from "hono/jsx";

export const RunExports: FC<{ runId: string; metric: string; hasHeatmap: boolean }> = ({ runId, metric, hasHeatmap }) => {
  const api = `/v1/runs/${encodeURIComponent(runId)}`;
  return (
    <>
      <h2 id="data-heading">Data and downloads</h2>
      <ul aria-labelledby="data-heading" class="run-exports">
        <li>
          <a href={`${api}/summary.md`} data-export="markdown">
            Summary (Markdown)
          </a>
          <span class="muted"> — model, suites with scores and intervals, effective lengths, warnings: the table for a model card</span>
        </li>
        <li>
          <a href={`${api}/probes?format=csv`} data-export="csv" download={`${runId}-probes.csv`}>
            All probes (CSV)
          </a>
          <span class="muted"> — one row per probe: cell, status, scores, tokens, latency, response</span>
        </li>
        <li>
          <a href={api}>Run (JSON)</a>
        </li>
        <li>
          <a href={`${api}/probes?limit=500`}>Probes with responses and scores (JSON, paged)</a>
        </li>
        {hasHeatmap ? (
          <li>
            <a href={`${api}/heatmap?metric=${metric}`}>Heatmap matrix (JSON)</a>
          </li>
        ) : null}
      </ul>
      <p class="muted">With scripts on, every heatmap and chart above has its own SVG and PNG download.</p>
    </>
  );
};
