// The run page's progress: status badge, a bar coloured by outcome (scored, truncated, incomplete,
// unscorable, failed; grey = pending), the counters, and while the run is live its pace, retries and
// the endpoint's throttle state. The page's script (./client.ts) keeps all of it current over SSE.
import type { FC } from "hono/jsx";
import type { Run } from "../contract/run";
import { OUTCOMES, outcomeCounts, paceText, retriesText, runPace } from "./run-state";

export const StatusBadge: FC<{ status: string; live?: boolean }> = ({ status, live }) => (
  <span class={`badge status-${status}`} data-run-status={live ? "" : undefined}>
    {status}
  </span>
);

// The bar's colours follow the heatmap's: green scored, the amber "cut" hatch, the grey hatch, red failed.
const CSS = `
.outcome-bar{display:flex;width:16rem;height:.9rem;border-radius:3px;overflow:hidden;background:#e6e6e6;border:1px solid #c9ced8}
.outcome-bar .seg{display:block;height:100%}
.seg-scored{background:#0a7d5c}
.seg-truncated{background:repeating-linear-gradient(-45deg,#fff6e5 0 3px,#c77700 3px 5px)}
.seg-incomplete{background:repeating-linear-gradient(-45deg,#fff6e5 0 2px,#e0a040 2px 4px)}
.seg-unscorable{background:repeating-linear-gradient(45deg,#d4d4d4 0 3px,#8a8a8a 3px 4px)}
.seg-failed{background:#b3261e}
.seg-cancelled{background:#f4f6f9}
.seg-pending{background:#e6e6e6}
.outcome-legend{display:flex;gap:.9rem;flex-wrap:wrap;list-style:none;padding:0;margin:.2rem 0;font-size:.85rem;color:var(--muted)}
.outcome-legend .seg{display:inline-block;width:.8rem;height:.8rem;vertical-align:middle;margin-right:.3rem;border:1px solid #bbb}
.live-facts p{margin:.2rem 0}
.export{font-size:.85rem;margin:.2rem 0 .6rem}
.export button{font-size:.8rem;padding:.1rem .5rem;margin-left:.4rem}
`;

const percent = (n: number, total: number) => `${((100 * n) / Math.max(1, total)).toFixed(2)}%`;

/** The bar alone; the counts are in its title, the legend and the text beside it. */
const OutcomeBar: FC<{ progress: Run["progress"]; finished: boolean }> = ({ progress, finished }) => {
  const counts = outcomeCounts(progress, finished);
  return (
    <div class="outcome-bar" id="run-progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done} aria-labelledby="progress-text">
      {OUTCOMES.map(({ outcome, label }) => (
        <span class={`seg seg-${outcome}`} data-segment={outcome} style={`width:${percent(counts[outcome], progress.total)}`} title={`${counts[outcome]} ${label}`} />
      ))}
    </div>
  );
};

const OutcomeLegend: FC<{ progress: Run["progress"]; finished: boolean }> = ({ progress, finished }) => {
  const counts = outcomeCounts(progress, finished);
  return (
    <ul class="outcome-legend" aria-label="Probes by outcome">
      {OUTCOMES.map(({ outcome, label }) =>
        // Every entry is rendered (hidden when 0) so the live script can show it when the count moves.
        <li data-outcome={outcome} hidden={counts[outcome] === 0 && outcome !== "scored"}>
          <span class={`seg seg-${outcome}`} />
          <span data-outcome-count={outcome}>{counts[outcome]}</span> {label}
        </li>,
      )}
      {finished ? null : (
        <li>
          <span class="seg seg-pending" />
          pending
        </li>
      )}
    </ul>
  );
};

/** The run's pace from its start (the live stream refines it over the last minute). */
function initialPace(resource: Run, now: number): string {
  const startedAt = resource.started_at ? Date.parse(resource.started_at) : null;
  return paceText(runPace(resource.progress.total, [{ at: now, done: resource.progress.done }], startedAt));
}

export const Progress: FC<{ resource: Run; live: boolean; now?: number }> = ({ resource, live, now = Date.now() }) => {
  const p = resource.progress;
  const retries = retriesText(p.retrying, resource.last_error);
  return (
    <div id="progress">
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <div class="progress-row">
        <StatusBadge status={resource.status} live={live} />
        <OutcomeBar progress={p} finished={!live} />
        <span id="progress-text">
          <span data-progress="done">{p.done}</span> of <span data-progress="total">{p.total}</span> probes settled ·{" "}
          <span data-progress="failed">{p.failed}</span> failed · <span data-progress="unscorable">{p.unscorable}</span> unscorable · <span data-progress="truncated">{p.truncated}</span> truncated
          {p.incomplete ? (
            <>
              {" "}· <span data-progress="incomplete">{p.incomplete}</span> incomplete
            </>
          ) : null}
        </span>
        {live ? <span class="muted">(updates live)</span> : null}
      </div>
      <OutcomeLegend progress={p} finished={!live} />
      {live ? (
        <div class="live-facts" aria-live="polite">
          <p id="run-pace">{initialPace(resource, now)}</p>
          <p class="warning" id="retrying" hidden={!retries}>
            {retries}
          </p>
          <p class="muted" id="endpoint-limit" hidden>
            Endpoint: asking its limiter…
          </p>
        </div>
      ) : null}
    </div>
  );
};
