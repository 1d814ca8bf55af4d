// "/runs/{id}": a run's status and live progress, and for each needle suite the heatmap, the
// per-length and per-depth curves and the suite scores, with a probe details panel; for each
// non-literal suite its literal gap, kinds and heatmaps (./nonliteral-section.tsx).
import { RunWarnings } from "./run-warnings";
import type { FC } from "hono/jsx";
import type { z } from "@hono/zod-openapi";
import type { Run, SuiteResult } from "../contract/run";
import type { ProbeRow, RunRow } from "../db/schema";
import type { NeedleRecipe } from "../probes/suites/needle";
import type { NonliteralRecipe } from "../probes/suites/nonliteral";
import type { LossRecipe } from "../probes/suites/loss";
import type { MmluRecipe } from "../probes/suites/mmlu";
import { NonliteralSection } from "./nonliteral-section";
import { LossSection } from "./loss-section";
import { MmluSection } from "./mmlu-section";
import { LineChart, type CurvePoint } from "./charts";
import { RUN_PAGE_SCRIPT_PATH } from "./client";
import { formatDate, formatInt, formatK, formatScore, isoDate } from "./format";
import { heatCells, HeatmapLegend, HeatmapSvg, HeatmapTable, type HeatmapData } from "./heatmap";
import { ReferenceBadge } from "./leaderboard";
import { Layout } from "./layout";
import { ScoreTable } from "./score-table";
import { isFinished } from "../lifecycle/run-model";

type Suite = z.infer<typeof SuiteResult>;

export interface RunPageProps {
  run: RunRow;
  resource: Run;
  recipes: NeedleRecipe[];
  nonliteral: NonliteralRecipe[];
  loss: LossRecipe[];
  mmlu: MmluRecipe[];
  probes: ProbeRow[];
  metric: string;
  metrics: readonly string[];
}

export const StatusBadge: FC<{ status: string; live?: boolean }> = ({ status, live }) => (
  <span class={`badge status-${status}`} data-run-status={live ? "" : undefined}>
    {status}
  </span>
);

const Fact: FC<{ term: string; children?: unknown }> = ({ term, children }) => (
  <div>
    <dt>{term}</dt>
    <dd>{children as never}</dd>
  </div>
);

/** "vllm 0.6.3 · meta-llama/Llama-2-7b · serves 131,072 tokens · uvicorn", or why not known. */
export function servingText(serving: Run["serving"]): string {
  if (!serving) return "not asked yet";
  const parts = [
    serving.engine ? `${serving.engine}${serving.version ? ` ${serving.version}` : ""}` : "engine not told",
    serving.model_id,
    serving.max_model_len ? `serves ${formatInt(serving.max_model_len)} tokens` : null,
    serving.server ? `server: ${serving.server}` : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

const RunFacts: FC<{ run: RunRow; resource: Run }> = ({ run, resource }) => {
  const m = resource.model;
  return (
    <dl class="facts">
      <Fact term="Served model">
        <code>{m.model}</code>
      </Fact>
      <Fact term="API">{m.api}</Fact>
      <Fact term="Tokenizer">
        {m.tokenizer === "endpoint" && resource.tokenization
          ? resource.tokenization.mode === "route"
            ? `the endpoint's own (tokenize route, ${resource.tokenization.flavor})`
            : `approximate: ${resource.tokenization.proxy} × ${resource.tokenization.ratio?.toFixed(3)} (no tokenize route; calibrated against usage.prompt_tokens)`
          : m.tokenizer}
      </Fact>
      <Fact term="Serving">{servingText(resource.serving)}</Fact>
      <Fact term="Context window">{formatInt(m.context_window)} tokens</Fact>
      <Fact term="Training length">{m.training_context_length ? `${formatInt(m.training_context_length)} tokens` : "—"}</Fact>
      <Fact term="Prompt tokens">{formatInt(resource.usage.prompt_tokens)}</Fact>
      <Fact term="Completion tokens">{formatInt(resource.usage.completion_tokens)}</Fact>
      <Fact term="Created">
        <time datetime={isoDate(run.createdAt)}>{formatDate(run.createdAt)}</time>
      </Fact>
      <Fact term="Finished">
        <time datetime={isoDate(run.finishedAt)}>{formatDate(run.finishedAt)}</time>
      </Fact>
    </dl>
  );
};

const Progress: FC<{ resource: Run; live: boolean }> = ({ resource, live }) => {
  const p = resource.progress;
  return (
    <div class="progress-row" id="progress">
      <StatusBadge status={resource.status} live={live} />
      <progress id="run-progress" max={Math.max(1, p.total)} value={p.done} aria-labelledby="progress-text" />
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
      {live && p.retrying ? (
        <p class="warning" id="retrying">
          {p.retrying} probe{p.retrying === 1 ? " is" : "s are"} waiting to be retried{resource.last_error ? `; last error: ${resource.last_error}` : ""}
        </p>
      ) : null}
    </div>
  );
};

const MetricSwitch: FC<{ runId: string; metric: string; metrics: readonly string[] }> = ({ runId, metric, metrics }) => (
  <nav class="switch" aria-label="Heatmap metric">
    <span class="muted">Metric:</span>
    {metrics.map((m) => (
      <a href={`/runs/${runId}?metric=${m}`} aria-current={m === metric ? "true" : undefined}>
        {m}
      </a>
    ))}
  </nav>
);

function curve(groups: Suite["by_length"], metric: string, label: (x: number) => string): CurvePoint[] {
  return Object.entries(groups ?? {})
    .map(([key, scores]) => ({ x: Number(key), label: label(Number(key)), y: scores[metric] ?? null }))
    .sort((a, b) => a.x - b.x);
}

const EffectiveLength: FC<{ suite: Suite }> = ({ suite }) => {
  const effective = suite.effective_context_length;
  if (!effective) return null;
  const k = (x: number | null) => (x === null ? "none" : `${formatK(x)} tokens`);
  return (
    <p class="effective-length">
      <strong>Effective context length: {k(effective.length)}</strong> (95 % interval {k(effective.low)} – {k(effective.high)}): every
      tested length up to it keeps a mean <em>contains</em> score of at least {formatScore(100 * effective.threshold)} (85 % of the
      shortest length's), computed from the probes.
    </p>
  );
};

const SuiteScores: FC<{ suite: Suite; id: string }> = ({ suite, id }) => (
  <ScoreTable
    id={id}
    class="suite-scores compact"
    caption={`Suite scores: means over ${suite.scored} scored probes (of ${suite.probes}; ${suite.unscorable} unscorable, ${suite.failed} failed), 0–100`}
    scores={suite.scores}
    format={formatScore}
  />
);

const NeedleSection: FC<{ runId: string; recipe: NeedleRecipe; suite: Suite | undefined; probes: ProbeRow[]; metric: string; training?: number }> = ({
  runId,
  recipe,
  suite,
  probes,
  metric,
  training,
}) => {
  const data: HeatmapData = {
    runId,
    suiteIndex: recipe.index,
    metric,
    lengths: recipe.context_lengths,
    depths: recipe.depth_percents,
    cells: heatCells(probes, metric),
    trainingLength: training,
  };
  const headingId = `suite-${recipe.index}-heading`;
  const byLength = curve(suite?.by_length, metric, formatK);
  const byDepth = curve(suite?.by_depth, metric, (d) => `${d}%`);
  return (
    <section data-suite={recipe.index} aria-labelledby={headingId}>
      <h2 id={headingId}>
        Needle in a haystack <span class="muted">· suite {recipe.index} · corpus {recipe.corpus} · {recipe.tokenizer}</span>
      </h2>
      <div class="suite-grid">
        <figure class="area-map">
          <HeatmapSvg data={data} />
          <figcaption>
            Score per probe ({metric} metric) from 0 (red) to 1 (green); rows are needle depths, columns haystack lengths.
            Select a cell for its response and prompt.
          </figcaption>
          <HeatmapLegend training={training} />
          <HeatmapTable data={data} />
        </figure>
        <aside class="panel area-panel" aria-live="polite" aria-label="Probe details">
          <h3>Probe details</h3>
          <p class="muted">Select a heatmap cell to see the model's response, its scores and an excerpt of the prompt.</p>
        </aside>
        {suite ? (
          <div class="area-more">
            <h3>Curves ({metric} metric)</h3>
            {[...byLength, ...byDepth].some((p) => p.y !== null) ? (
              <div class="curves">
                <LineChart
                  id={`suite-${recipe.index}-by-length`}
                  title={`Mean ${metric} score by context length`}
                  desc={byLength.map((p) => `${p.label}: ${formatScore(p.y)}`).join(", ")}
                  xTitle="Context length (tokens, log scale)"
                  points={byLength}
                  xScale="log2"
                  marker={training ? { x: training, label: `trained ${formatK(training)}` } : undefined}
                />
                <LineChart
                  id={`suite-${recipe.index}-by-depth`}
                  title={`Mean ${metric} score by needle depth`}
                  desc={byDepth.map((p) => `${p.label}: ${formatScore(p.y)}`).join(", ")}
                  xTitle="Needle depth (%)"
                  points={byDepth}
                  xScale="linear"
                />
              </div>
            ) : (
              <p class="muted">No probe is scored yet.</p>
            )}
            <EffectiveLength suite={suite} />
            <SuiteScores suite={suite} id={`suite-${recipe.index}-scores`} />
          </div>
        ) : null}
      </div>
    </section>
  );
};

export const RunPage: FC<RunPageProps> = ({ run, resource, recipes, nonliteral, loss, mmlu, probes, metric, metrics }) => {
  const live = !isFinished(run.status);
  const training = resource.model.training_context_length;
  return (
    <Layout title={resource.model.name} section="run" refreshWithoutJs={live ? 5 : undefined}>
      <div data-run-id={run.id} data-live={String(live)}>
        <p class="muted">
          <a href="/">Leaderboard</a> › run <code>{run.id}</code>
        </p>
        <h1>
          {resource.model.name} {resource.reference ? <ReferenceBadge /> : null}
        </h1>
        <Progress resource={resource} live={live} />
        {resource.error ? <p class="error">Error: {resource.error}</p> : null}
        <RunWarnings warnings={resource.warnings} />
        <RunFacts run={run} resource={resource} />
        {recipes.length ? <MetricSwitch runId={run.id} metric={metric} metrics={metrics} /> : null}
        {recipes.map((recipe) => (
          <NeedleSection
            runId={run.id}
            recipe={recipe}
            suite={resource.suites.find((s) => s.index === recipe.index)}
            probes={probes.filter((p) => p.suiteIndex === recipe.index)}
            metric={metric}
            training={training}
          />
        ))}
        {nonliteral.map((recipe) => (
          <NonliteralSection
            runId={run.id}
            recipe={recipe}
            suite={resource.suites.find((s) => s.index === recipe.index)}
            probes={probes.filter((p) => p.suiteIndex === recipe.index)}
            training={training}
          />
        ))}
        {mmlu.map((recipe) => (
          <MmluSection recipe={recipe} suite={resource.suites.find((s) => s.index === recipe.index)} />
        ))}
        {loss.map((recipe) => (
          <LossSection recipe={recipe} suite={resource.suites.find((s) => s.index === recipe.index)} form={resource.prompt_logprobs?.form ?? null} />
        ))}
        <h2>Data</h2>
        <ul>
          <li>
            <a href={`/v1/runs/${run.id}`}>Run (JSON)</a>
          </li>
          <li>
            <a href={`/v1/runs/${run.id}/probes?limit=500`}>Probes with responses and scores (JSON)</a>
          </li>
          <li>
            <a href={`/v1/runs/${run.id}/heatmap?metric=${metric}`}>Heatmap matrix (JSON)</a>
          </li>
        </ul>
      </div>
      <script src={RUN_PAGE_SCRIPT_PATH} />
    </Layout>
  );
};
