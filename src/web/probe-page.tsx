// "/runs/{id}/probes/{idx}": one probe, server-rendered — the no-JavaScript twin of the run
// page's details panel (response, a reasoning model's reasoning, scores, status, tokens, latency,
// error, prompt excerpt).
import type { FC } from "hono/jsx";
import { ScoreTable } from "./score-table";
import type { z } from "@hono/zod-openapi";
import type { Probe } from "../contract/run";
import type { RunRow } from "../db/schema";
import { storedModel } from "../lifecycle/run-model";
import type { PromptExcerpt } from "./excerpt";
import { formatInt, formatK, formatUnitScore } from "./format";
import { Layout } from "./layout";

type ProbeResource = z.infer<typeof Probe>;

const orDash = (v: string | number | null) => (v === null ? "—" : typeof v === "number" ? formatInt(v) : v);

const Excerpt: FC<{ excerpt: PromptExcerpt | string }> = ({ excerpt }) => {
  if (typeof excerpt === "string") return <p class="error">The prompt could not be rebuilt: {excerpt}</p>;
  return (
    <>
      {excerpt.needle ? (
        <>
          <p>
            Around the needle (character {formatInt(excerpt.needle.offset)} of {formatInt(excerpt.totalChars)}):
          </p>
          <pre class="needle-excerpt">
            {excerpt.needle.offset > excerpt.needle.before.length ? "…" : ""}
            {excerpt.needle.before}
            <mark>{excerpt.needle.sentence}</mark>
            {excerpt.needle.after}
            {excerpt.needle.offset + excerpt.needle.sentence.length + excerpt.needle.after.length < excerpt.totalChars ? "…" : ""}
          </pre>
        </>
      ) : (
        <p class="muted">The needle sentence is not in this prompt.</p>
      )}
      <p>End of the prompt:</p>
      <pre class="tail-excerpt">
        {excerpt.totalChars > excerpt.tail.length ? "…" : ""}
        {excerpt.tail}
      </pre>
    </>
  );
};

/** A RULER probe's task, sample, query and expected answers. */
const RulerFacts: FC<{ facts: Extract<NonNullable<ProbeResource["facts"]>, { suite: "ruler" }> }> = ({ facts }) => (
  <>
    <dt>RULER task</dt>
    <dd>
      {facts.task}, sample {facts.sample}; {formatInt(facts.prompt_tokens)} prompt tokens (budget {formatInt(facts.context_length - facts.tokens_to_generate)}), haystack size {formatInt(facts.haystack_size)}
    </dd>
    <dt>Expected</dt>
    <dd>
      {facts.answers.join(", ")} {facts.query ? <span class="muted">(asked about: {facts.query})</span> : null}
    </dd>
  </>
);

/** A non-literal probe's pair, character and distractors. */
const Facts: FC<{ facts: Extract<NonNullable<ProbeResource["facts"]>, { suite: "nonliteral" }> }> = ({ facts }) => (
  <>
    <dt>Needle</dt>
    <dd>
      {facts.kind} pair <code>{facts.pair_id}</code> at {facts.needle_depth_percent} % (token {formatInt(facts.needle_token_index)}): {facts.needle}
    </dd>
    <dt>Question</dt>
    <dd>
      {facts.question} <span class="muted">(answer: {facts.character})</span>
    </dd>
    <dt>Distractors</dt>
    <dd>
      {facts.distractors.length ? (
        <ul>
          {facts.distractors.map((d) => (
            <li>
              {d.text} <span class="muted">({d.depth_percent} %, token {formatInt(d.token_index)}; naming {d.entity} counts as distracted)</span>
            </li>
          ))}
        </ul>
      ) : (
        "none"
      )}
    </dd>
  </>
);

/** A reasoning model's reasoning, collapsed: it was not scored, the response above was. */
const Reasoning: FC<{ reasoning: string }> = ({ reasoning }) => (
  <details class="probe-reasoning">
    <summary>Reasoning ({formatInt(reasoning.length)} characters, not scored)</summary>
    <pre>{reasoning}</pre>
  </details>
);

const ProbeDetails: FC<{ probe: ProbeResource }> = ({ probe }) => (
  <dl>
      <dt>Status</dt>
      <dd>
        <span class={`badge status-${probe.status === "scored" ? "succeeded" : probe.status === "pending" ? "running" : "failed"}`}>{probe.status}</span>
      </dd>
      <dt>Attempts</dt>
      <dd>{probe.attempts}</dd>
      <dt>Tokens</dt>
      <dd>
        constructed {orDash(probe.constructed_tokens)}, prompt {orDash(probe.prompt_tokens)}, completion {orDash(probe.completion_tokens)}
      </dd>
      <dt>Latency</dt>
      <dd>{probe.latency_ms === null ? "—" : `${formatInt(probe.latency_ms)} ms`}</dd>
      <dt>Finish reason</dt>
      <dd>{orDash(probe.finish_reason)}</dd>
      <dt>Prompt SHA-256</dt>
      <dd>
        <code>{orDash(probe.prompt_sha256)}</code>
      </dd>
      {probe.facts?.suite === "nonliteral" ? <Facts facts={probe.facts} /> : null}
      {probe.facts?.suite === "ruler" ? <RulerFacts facts={probe.facts} /> : null}
      {probe.error ? (
        <>
          <dt>Error</dt>
          <dd class="error">{probe.error}</dd>
        </>
      ) : null}
  </dl>
);

export const ProbePage: FC<{ run: RunRow; probe: ProbeResource; excerpt: PromptExcerpt | string }> = ({ run, probe, excerpt }) => {
  const name = storedModel(run).name;
  const where =
    probe.depth_percent !== null && probe.context_length !== null
      ? `${formatK(probe.context_length)} tokens, depth ${probe.depth_percent} %`
      : probe.item !== null
        ? `${probe.suite_type} question ${probe.item + 1}`
        : probe.suite_type;
  return (
    <Layout title={`Probe ${probe.idx} · ${name}`} section="run">
      <p class="muted">
        <a href="/">Leaderboard</a> › <a href={`/runs/${run.id}`}>{name}</a> › probe {probe.idx}
      </p>
      <h1>
        Probe #{probe.idx}: {where}
      </h1>
      <div class="panel">
        <ProbeDetails probe={probe} />
      </div>
      <h2>Scores</h2>
      {probe.scores ? (
        <ScoreTable caption="Scores of this probe (0–1)" scores={probe.scores} format={formatUnitScore} />
      ) : (
        <p class="muted">Not scored.</p>
      )}
      <h2>Response</h2>
      <pre class="probe-response">{probe.response ?? "(no response)"}</pre>
      {probe.reasoning !== null ? <Reasoning reasoning={probe.reasoning} /> : null}
      <h2>Prompt excerpt</h2>
      <Excerpt excerpt={excerpt} />
      <p>
        <a href={`/v1/runs/${run.id}/probes/${probe.idx}`}>Probe (JSON)</a> · <a href={`/v1/runs/${run.id}/probes/${probe.idx}/prompt`}>Full prompt (JSON)</a>
      </p>
    </Layout>
  );
};
