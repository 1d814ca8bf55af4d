// What the API answers about runs and their probes: a run with its progress and per-suite scores,
// a dry run's plan, a probe, a probe's rebuilt prompt, the needle heatmap. The domain builds these
// (src/lifecycle/views.ts); the API and the pages show them.
import { z } from "zod";
import { LOGPROB_FORMS } from "../probes/loss/forms";
import { PreflightReport, RunPreflight } from "./preflight";
import { ServingFingerprint } from "./serving";
import { LossFigures } from "../probes/loss/figures";
import { McFigures } from "../probes/mmlu/figures";
import { MC_SCORING_MODES } from "../probes/mmlu/scoring";
import { NonliteralFigures } from "../probes/nonliteral/figures";
import { NonliteralProbeFacts } from "../probes/nonliteral/facts";
import { RulerProbeFacts } from "../probes/ruler/facts";
import { RulerFigures } from "../probes/ruler/figures";
import { PublicModel } from "./model";
import { PROBE_STATUSES } from "../probes/types";

export const RunStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).meta({ id: "RunStatus" });
export const ProbeStatus = z.enum(PROBE_STATUSES).meta({
  id: "ProbeStatus",
  description: "truncated: the server cut the prompt silently (reported prompt_tokens well short of what was sent); incomplete: a reasoning reply ended inside its reasoning. Neither is wrong; both are left out of means.",
});

export const ScoreMap = z.record(z.string(), z.number().nullable()).meta({
  id: "ScoreMap",
  description: "Metric → mean score on a 0–100 scale (null when nothing was scored).",
  example: { paper: 91.67, rouge1: 100, contains: 100 },
});

export const SuiteResult = z
  .object({
    index: z.int(),
    type: z.string(),
    corpus: z.string().optional(),
    tokenizer: z.string(),
    context_lengths: z.array(z.int()).optional(),
    depth_percents: z.array(z.int()).optional(),
    probes: z.int(),
    scored: z.int(),
    unscorable: z.int(),
    failed: z.int(),
    truncated: z.int().meta({ description: "Probes the server cut silently; left out of the means." }),
    incomplete: z.int().meta({ description: "Reasoning replies that ended inside their reasoning; left out of the means." }),
    scores: ScoreMap,
    by_length: z.record(z.string(), ScoreMap).optional().meta({ description: "Length → metric means." }),
    effective_context_length: z
      .object({
        length: z.int().nullable(),
        low: z.int().nullable(),
        high: z.int().nullable(),
        threshold: z.number(),
        definition: z.enum(["relative", "absolute"]),
        metric: z.literal("contains"),
        resamples: z.int(),
      })
      .optional()
      .meta({
        description:
          "Needle: the largest tested length up to which every length's mean `contains` stays ≥ 0.85 × the mean at the shortest length, with a 95 % stratified bootstrap interval (low, high) over probes. Computed by the service from the probes.",
      }),
    by_length_ci: z
      .record(z.string(), z.object({ mean: z.number(), low: z.number(), high: z.number() }))
      .optional()
      .meta({ description: "Needle: `contains` mean per length (0–1) with a 95 % bootstrap interval." }),
    by_depth: z.record(z.string(), ScoreMap).optional().meta({ description: "Depth → metric means." }),
    dataset: z.string().optional().meta({ description: "Book QA: the dataset id." }),
    dataset_revision: z.string().optional().meta({ description: "Book QA: the dataset revision the run used (SHA-256 of an imported file)." }),
    task: z.string().optional().meta({ description: "Book QA: longbook_qa_eng or longbook_choice_eng." }),
    window: z.int().optional().meta({ description: "Book QA: the prompt budget in tokens." }),
    no_context: z.boolean().optional(),
    question_ids: z.array(z.string()).optional().meta({
      description: "Book QA: the questions asked, in probe order; a probe's depth_percent is its position in this list.",
    }),
    nonliteral: NonliteralFigures.optional().meta({ description: "Non-literal: per-kind figures, one_hop and two_hop pooled (the headline) and the literal gap." }),
    mmlu: McFigures.optional().meta({ description: "Multiple choice (MMLU format): micro and macro accuracy (also the suite's scores, 0–100) with intervals, per subject and per MMLU group, and how answers were scored." }),
    ruler: RulerFigures.optional().meta({ description: "RULER: each task's mean per length with 95 % intervals, the RULER average per length and overall (the suite's `ruler` score) and the effective length by RULER's 85.6 rule and the relative rule." }),
    loss: LossFigures.optional().meta({ description: "Loss: Loss@L (mean NLL in nats, lower is better) per domain and over all domains, and each domain's position curve. This suite's scores are nats, not 0–100." }),
  })
  .meta({ id: "SuiteResult" });


/** A finished run against the previous step of its series (a drop beyond the margin flags it). */
export const Regression = z.object({
  flagged: z.boolean(),
  previous_run_id: z.string(),
  previous_step: z.int().nullable(),
  margin: z.number(),
  loss_margin: z.number().optional().meta({ description: "Nats Loss@L may rise against the previous step before it flags (LOSS_REGRESSION_MARGIN)." }),
  drops: z.record(z.string(), z.number()).meta({ description: "suite.metric → points lost against the previous step, and loss@<L> → nats Loss@L rose (positive = worse)." }),
});
export type Regression = z.infer<typeof Regression>;

export const RunWarning = z
  .object({
    code: z.enum(["truncated", "token_mismatch", "tokenizer_disagrees", "incomplete", "beyond_window"]),
    count: z.int().nullable().meta({ description: "Probes (or, for beyond_window, lengths) concerned." }),
    lengths: z.array(z.int()).optional().meta({ description: "beyond_window: the tested lengths above the discovered window." }),
    message: z.string(),
  })
  .meta({
    id: "RunWarning",
    description:
      "What a reader must know before trusting the numbers. truncated, token_mismatch and tokenizer_disagrees mean lengths are not what they claim (the leaderboard's ?valid=only hides such runs).",
  });
export type RunWarning = z.infer<typeof RunWarning>;

export const Run = z
  .object({
    id: z.string(),
    status: RunStatus,
    public: z.boolean(),
    reference: z.boolean().meta({ description: "True for the built-in reference baselines." }),
    series: z.string().nullable(),
    step: z.int().nullable(),
    tokens_trained: z.int().nullable(),
    regression: Regression.nullable().meta({ description: "Comparison with the previous step of the series, set when the run finished." }),
    progress: z.object({
      total: z.int(),
      done: z.int().meta({ description: "Settled probes, failed ones included." }),
      failed: z.int(),
      unscorable: z.int(),
      truncated: z.int().meta({ description: "Settled probes the server cut silently: its reported prompt_tokens fell short of what was sent by more than the tokenizer explains." }),
      incomplete: z.int().meta({ description: "Settled probes whose reasoning reply ended before an answer (finish_reason length inside the reasoning)." }),
      token_mismatches: z.int().meta({ description: "Settled probes whose reported prompt_tokens disagreed with ours by more than 1 %." }),
      retrying: z.int().meta({ description: "While the run is live: pending probes that are waiting to be tried again (0 once it finished, and in listings)." }),
    }),
    model: PublicModel,
    warnings: z.array(RunWarning),
    preflight: RunPreflight.nullable().meta({ description: "The preflight taken before the run's first call (blocking checks, tokenizer agreement and token ratio, a discovered window); null until then." }),
    lengths_approximate: z.boolean().meta({
      description:
        'True when the model\'s tokenizer is "endpoint", the endpoint has no usable tokenize route, and lengths were calibrated against usage.prompt_tokens: they are estimates in the endpoint\'s tokens, not exact counts.',
    }),
    tokenization: z
      .object({
        mode: z.enum(["route", "calibrated"]),
        route: z.string().optional().meta({ description: "The tokenize route used (route mode)." }),
        flavor: z.enum(["vllm", "llamacpp", "tgi"]).optional(),
        fingerprint: z.string().optional().meta({ description: "Fingerprint of the endpoint's tokenizer (SHA-256 of the ids of a fixed text)." }),
        proxy: z.string().optional().meta({ description: "Calibrated mode: the local tokenizer whose counts are scaled." }),
        ratio: z.number().optional().meta({ description: "Calibrated mode: endpoint tokens per proxy token, fitted to usage.prompt_tokens." }),
        intercept: z.number().optional(),
        samples: z.int().optional().meta({ description: "Calibrated mode: calibration calls with a reported prompt_tokens." }),
        reason: z.string().optional().meta({ description: "Calibrated mode: why no tokenize route was used." }),
      })
      .nullable()
      .meta({ description: 'Tokenizer "endpoint": how lengths are counted, decided by the run\'s first probe; null otherwise or before.' }),
    prompt_logprobs: z
      .object({
        form: z.enum(LOGPROB_FORMS).nullable().meta({ description: "echo: completions with echo + logprobs; prompt_logprobs: vLLM's extension; tgi: TGI's /generate with decoder_input_details; null: none answered." }),
        error: z.string().optional().meta({ description: "Why the endpoint has none: every form tried, and its answer." }),
      })
      .nullable()
      .meta({ description: "Loss suites: the form the endpoint returns prompt log-probabilities in, found by the run's first loss probe; null otherwise or before." }),
    last_error: z.string().nullable().meta({ description: "While the run is live: the latest reason a pending probe is being retried (the endpoint's error, naming the URL); null otherwise." }),
    serving: ServingFingerprint.nullable().meta({ description: "The serving engine, its version, the served model and window, asked once before the run's first call: two runs of one checkpoint on different engines are told apart. Null before." }),
    mc_scoring: z
      .object({ mode: z.enum(MC_SCORING_MODES), reason: z.string().optional().meta({ description: "Why generate was chosen: the endpoint's reply had no top log-probabilities." }) })
      .nullable()
      .meta({ description: "Multiple-choice suites: how answers are scored on this endpoint, decided by the run's first probe; null otherwise or before." }),
    suites: z.array(SuiteResult),
    usage: z.object({
      prompt_tokens: z.int().meta({ description: "Sum of usage.prompt_tokens reported by the endpoint." }),
      completion_tokens: z.int(),
      cached_tokens: z.int().meta({ description: "Prompt tokens the endpoint served from its prefix cache (usage.prompt_tokens_details.cached_tokens)." }),
      cached_ratio: z.number().nullable().meta({ description: "cached_tokens / prompt_tokens." }),
      cost_usd: z.number().nullable().meta({ description: "From the model's prices, cached prompt tokens at price_per_million_cached_input; null without prices." }),
    }),
    error: z.string().nullable(),
    webhook: z
      .object({
        url: z.string(),
        secret_set: z.literal(true),
        status: z.enum(["enabled", "disabled"]).meta({ description: "disabled after the receiver answered 410 Gone; a ping or redelivery it accepts enables it again." }),
        disabled_reason: z.string().nullable(),
        secret: z.string().optional().meta({
          description: "The generated signing secret: only in the 202 answer of the submission that generated it, never again. Store it now.",
        }),
      })
      .nullable()
      .meta({ description: "The run's webhook (the secret itself is never shown); null without one." }),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    links: z.record(z.string(), z.string()),
  })
  .meta({ id: "Run" });
export type Run = z.infer<typeof Run>;

export const RunPlan = z
  .object({
    dry_run: z.literal(true),
    preflight: PreflightReport.optional().meta({ description: "With ?preflight=true: the endpoint's preflight (POST /v1/endpoints/check)." }),
    probes: z.int(),
    prompt_tokens: z.int().meta({ description: "Estimated prompt tokens over all probes." }),
    max_completion_tokens: z.int().meta({ description: "Upper bound of completion tokens (max_tokens of every probe)." }),
    cost_usd: z.number().nullable().meta({ description: "Upper-bound cost from the model's prices (all completions at max_tokens); null without prices." }),
    time_s: z.number().nullable().meta({
      description:
        "Expected wall time from this endpoint's latency in earlier runs (fitted per probe, per prompt token and per completion token; each probe expected to reply as long as those runs' replies on average, at most its max_tokens), at max_concurrency; null without history.",
    }),
    time_basis: z.string().meta({ description: "What time_s is based on." }),
    suites: z.array(z.object({ index: z.int(), type: z.string(), probes: z.int(), prompt_tokens: z.int() })),
  })
  .meta({ id: "RunPlan" });

export const Probe = z
  .object({
    idx: z.int(),
    suite: z.int().meta({ description: "Index of the suite in the run." }),
    suite_type: z.string(),
    context_length: z.int().nullable(),
    depth_percent: z.int().nullable(),
    item: z.int().nullable().meta({ description: "Book QA: the question's position in the suite's question_ids. Non-literal: kind index × pairs + repetition (the kind is in `facts`)." }),
    status: ProbeStatus,
    attempts: z.int(),
    constructed_tokens: z.int().nullable().meta({ description: "Tokens of haystack + needle as built, in the run's tokenizer." }),
    expected_prompt_tokens: z.int().nullable().meta({ description: "Tokens of the whole prompt in the run's tokenizer (template included)." }),
    prompt_tokens: z.int().nullable().meta({ description: "usage.prompt_tokens reported by the endpoint." }),
    cached_tokens: z.int().nullable().meta({ description: "usage.prompt_tokens_details.cached_tokens, where reported." }),
    token_mismatch: z.boolean().meta({
      description: "The reported prompt_tokens differ from expected_prompt_tokens by more than 1 % (beyond a BOS token and chat framing): check the tokenizer.",
    }),
    completion_tokens: z.int().nullable(),
    usage_dropped: z.boolean().meta({ description: "The endpoint reported usage that cannot be true (negative, fractional, more than 10 × what was sent); it was dropped, not counted." }),
    latency_ms: z.int().nullable(),
    ttft_ms: z.int().nullable().meta({ description: "Time to first token, when the reply was streamed." }),
    finish_reason: z.string().nullable(),
    response: z.string().nullable().meta({ description: "The reply's text as scored: a reasoning model's answer without its reasoning." }),
    reasoning: z.string().nullable().meta({
      description: "A reasoning model's reasoning (reasoning_content / reasoning, or a <think> block), kept apart from the scored response; null for other models.",
    }),
    scores: z.record(z.string(), z.number()).nullable(),
    prompt_sha256: z.string().nullable().meta({ description: "SHA-256 of the exact prompt (or JSON.stringify(messages))." }),
    facts: z.discriminatedUnion("suite", [NonliteralProbeFacts, RulerProbeFacts]).nullable().meta({
      description: "Once built: non-literal probes the pair, character, needle and distractors the prompt held, and their positions; RULER probes their task, sample, query and expected answers.",
    }),
    error: z.string().nullable(),
  })
  .meta({ id: "Probe" });

export const ProbePrompt = z
  .object({
    run_id: z.string(),
    idx: z.int(),
    api: z.enum(["completions", "chat"]),
    prompt: z.string().optional().meta({ description: "The exact prompt (completions)." }),
    messages: z.array(z.object({ role: z.string(), content: z.string() })).optional().meta({ description: "The exact messages (chat)." }),
    prompt_sha256: z.string().meta({ description: "SHA-256 of the prompt, or of JSON.stringify(messages); equals the probe's." }),
    constructed_tokens: z.int(),
    max_tokens: z.int(),
  })
  .meta({ id: "ProbePrompt" });

export const Heatmap = z
  .object({
    run_id: z.string(),
    suite: z.int(),
    metric: z.string(),
    context_lengths: z.array(z.int()),
    depth_percents: z.array(z.int()),
    scores: z.array(z.array(z.number().nullable())).meta({ description: "Rows are depths, columns lengths; 0–1." }),
    counts: z.array(z.array(z.int())).meta({ description: "Scored probes per cell (the non-literal suite holds kinds × pairs per cell)." }),
    intervals: z
      .array(z.array(z.object({ low: z.number(), high: z.number() }).nullable()))
      .meta({ description: "95 % Wilson score interval per cell, 0–1, where the cell's scores are all 0 or 1 (contains, the non-literal kinds); null for graded metrics and empty cells." }),
  })
  .meta({ id: "Heatmap" });

export type RunStatus = z.infer<typeof RunStatus>;
export type ProbeStatus = z.infer<typeof ProbeStatus>;
export type ScoreMap = z.infer<typeof ScoreMap>;
export type SuiteResult = z.infer<typeof SuiteResult>;
export type RunPlan = z.infer<typeof RunPlan>;
export type Probe = z.infer<typeof Probe>;
export type ProbePrompt = z.infer<typeof ProbePrompt>;
export type Heatmap = z.infer<typeof Heatmap>;

export type { ServingFingerprint };
