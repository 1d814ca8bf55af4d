// "/runs/{id}": a run's status and live progress (./run-progress.tsx), and for each needle suite the
// heatmap, the per-length and per-depth curves and the suite scores, with a probe details panel
// (./needle-section.tsx); for each non-literal suite its literal gap, kinds and heatmaps
// (./nonliteral-section.tsx); the data downloads (./run-exports.tsx).
import { RunWarnings } from "./run-warnings";
import type { FC } from "hono/jsx";
import type { Run } from "../contract/run";
import type { ProbeRow, RunRow } from "../db/schema";
import type { NeedleRecipe } from "../probes/suites/needle";
import type { NonliteralRecipe } from "../probes/suites/nonliteral";
import type { LossRecipe } from "../probes/suites/loss";
import type { MmluRecipe } from "../probes/suites/mmlu";
import { NonliteralSection } from "./nonliteral-section";
import { LossSection } from "./loss-section";
import { MmluSection } from "./mmlu-section";
import { RulerSection } from "./ruler-section";
import type { RulerRecipe } from "../probes/suites/ruler";
import { RUN_PAGE_SCRIPT_PATH } from "./client";
import { formatDate, formatInt, isoDate } from "./format";
import { ReferenceBadge } from "./leaderboard";
import { Layout } from "./layout";
import { NeedleSection } from "./needle-section";
import { RunExports } from "./run-exports";
import { Progress } from "./run-progress";
import { isFinished } from "../lifecycle/run-model";

export { StatusBadge } from "./run-progress";

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

export const RunPage: FC<RunPageProps> = ({ run, resource, recipes, nonliteral, loss, mmlu, probes, metric, metrics }) => {
  const live = !isFinished(run.status);
  const training = resource.model.training_context_length;
  const servedWindow = resource.preflight?.discovered_window?.accepts_up_to ?? undefined;
  return (
    <Layout title={resource.model.name} section="run" refreshWithoutJs={live ? 5 : undefined}>
      <div data-run-id={run.id} data-live={String(live)} data-metric={metric}>
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
        {run.series ? <p class="series-link">Checkpoint of series <a href={`/series/${encodeURIComponent(run.series)}`}>{run.series}</a>{run.step !== null ? `, step ${run.step}` : ""}{resource.regression ? <> · <a href={`/compare?runs=${encodeURIComponent(resource.regression.previous_run_id)},${encodeURIComponent(run.id)}`}>compare with the previous step</a></> : null}</p> : null}
        {recipes.length ? <MetricSwitch runId={run.id} metric={metric} metrics={metrics} /> : null}
        {recipes.map((recipe) => (
          <NeedleSection
            runId={run.id}
            recipe={recipe}
            suite={resource.suites.find((s) => s.index === recipe.index)}
            probes={probes.filter((p) => p.suiteIndex === recipe.index)}
            metric={metric}
            training={training}
            servedWindow={servedWindow}
            state={resource}
          />
        ))}
        {nonliteral.map((recipe) => (
          <NonliteralSection
            runId={run.id}
            recipe={recipe}
            suite={resource.suites.find((s) => s.index === recipe.index)}
            probes={probes.filter((p) => p.suiteIndex === recipe.index)}
            training={training}
            servedWindow={servedWindow}
          />
        ))}
        {mmlu.map((recipe) => (
          <MmluSection recipe={recipe} suite={resource.suites.find((s) => s.index === recipe.index)} />
        ))}
        {run.suites
          .filter((r): r is RulerRecipe => r.type === "ruler")
          .map((recipe) => (
            <RulerSection recipe={recipe} suite={resource.suites.find((s) => s.index === recipe.index)} />
          ))}
        {loss.map((recipe) => (
          <LossSection recipe={recipe} suite={resource.suites.find((s) => s.index === recipe.index)} form={resource.prompt_logprobs?.form ?? null} />
        ))}
        <RunExports runId={run.id} metric={metric} hasHeatmap={recipes.length + nonliteral.length > 0} />
      </div>
      <script src={RUN_PAGE_SCRIPT_PATH} />
    </Layout>
  );
};
