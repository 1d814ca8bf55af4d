// The API's shapes: one zod schema per shape validates requests, types the code and generates
// the OpenAPI document served at /openapi.json.
import { z } from "@hono/zod-openapi";
import { MODEL_TOKENIZERS } from "../probes/types";
import { parseWebhookSecret } from "../lifecycle/webhooks/secret";

export const RunStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).openapi("RunStatus");
export const ProbeStatus = z.enum(["pending", "scored", "unscorable", "failed", "cancelled"]).openapi("ProbeStatus");

export const ModelSpec = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({
      description: "Display name of the checkpoint, e.g. my-7b-80k@step1250.",
      example: "my-7b-80k@step1250",
    }),
    base_url: z.url({ protocol: /^https?$/ }).max(2048).openapi({
      description: "OpenAI-compatible base URL; /completions or /chat/completions is appended.",
      example: "http://127.0.0.1:8000/v1",
    }),
    api: z.enum(["completions", "chat"]).default("completions").openapi({
      description: "completions: raw prompt (base checkpoints); chat: message list (instruction-tuned).",
    }),
    model: z.string().min(1).max(256).openapi({ description: "Model name the server expects.", example: "served-name" }),
    api_key: z.string().min(1).max(4096).optional().openapi({
      description: "Sent upstream as a bearer token. Write-only: never returned.",
      writeOnly: true,
    }),
    tokenizer: z.enum(MODEL_TOKENIZERS).default("cl100k_base").openapi({
      description:
        "Tokenizer context lengths are counted in; choose the checkpoint's own. `endpoint` (needle suites only): the server's own tokenizer through its " +
        "tokenize route (vLLM/SGLang, llama.cpp, TGI), else lengths calibrated against usage.prompt_tokens and marked `lengths_approximate`.",
    }),
    context_window: z.int().min(1024).max(4_194_304).default(131072).openapi({
      description: "The endpoint's context window in tokens; longer probes are refused at submission.",
    }),
    max_concurrency: z.int().min(1).max(256).default(4).openapi({
      description: "Calls in flight at most for this run.",
    }),
    request_timeout_s: z.int().min(1).max(900).default(600).openapi({
      description: "Per-call timeout; a timed-out call is retried with backoff.",
    }),
    price_per_million_input: z.number().min(0).max(10_000).optional().openapi({ description: "USD per million prompt tokens; enables cost figures." }),
    price_per_million_output: z.number().min(0).max(10_000).optional().openapi({ description: "USD per million completion tokens." }),
    price_per_million_cached_input: z.number().min(0).max(10_000).optional().openapi({
      description: "USD per million prompt tokens the endpoint served from its prefix cache (usage cached_tokens), as hosted APIs bill them; default price_per_million_input. Dry-run costs assume no cache hits.",
    }),
    stream: z.boolean().default(true).openapi({
      description: "Ask for server-sent events (with usage) when the endpoint supports them: headers arrive early, time to first token is recorded, proxy timeouts on long prefills are avoided. Falls back to plain JSON.",
    }),
    training_context_length: z.int().min(1).max(4_194_304).optional().openapi({
      description: "Sequence length the checkpoint was trained at (e.g. 81920); marked on heatmaps.",
    }),
  })
  .openapi("ModelSpec");
export type ModelSpec = z.infer<typeof ModelSpec>;

export const NeedleSuiteSpec = z
  .strictObject({
    type: z.literal("needle"),
    preset: z.enum(["paper", "kamradt", "quick"]).optional().openapi({
      description: "paper: 40 lengths 1K–128K × 10 depths (the paper's grid); kamradt: 15 × 15; quick: 6 × 5 within the window.",
    }),
    context_lengths: z.array(z.int()).min(1).max(200).optional().openapi({
      description: "Haystack lengths in the model's tokens; overrides the preset's lengths.",
      example: [1000, 8000],
    }),
    depth_percents: z.array(z.int()).min(1).max(101).optional().openapi({
      description: "Needle depths in percent of the haystack; overrides the preset's depths.",
      example: [0, 50, 100],
    }),
    corpus: z.string().min(1).max(64).default("sotu").openapi({
      description: "Haystack corpus id: sotu (State of the Union addresses, default) or moby-dick.",
    }),
  })
  .openapi("NeedleSuiteSpec");
export type NeedleSuiteSpec = z.infer<typeof NeedleSuiteSpec>;

export const BookQaSuiteSpec = z
  .strictObject({
    type: z.literal("bookqa"),
    dataset: z.string().min(1).max(100).default("moby-dick-qa").openapi({
      description: "Dataset id from GET /v1/datasets: moby-dick-qa (built-in short answer, default), moby-dick-mc (built-in multiple choice) or an imported InfiniteBench file.",
    }),
    limit: z.int().min(1).max(5000).optional().openapi({
      description: "Ask only the first `limit` questions in dataset order (file order for imports); default all.",
      example: 50,
    }),
    window: z.int().min(256).max(4_194_304).optional().openapi({
      description:
        "Prompt budget in the model's tokens; the book is cut in the middle to fit (the paper: 128000 = 64K head + 64K tail). " +
        "Default min(128000, context_window − max_tokens); refused if window + max_tokens exceeds context_window.",
      example: 128000,
    }),
    no_context: z.boolean().default(false).openapi({
      description: "Ask the questions without the book: scores above chance measure memorization or guessing.",
    }),
  })
  .openapi("BookQaSuiteSpec");
export type BookQaSuiteSpec = z.infer<typeof BookQaSuiteSpec>;

export const SuiteSpec = z.discriminatedUnion("type", [NeedleSuiteSpec, BookQaSuiteSpec]).openapi("SuiteSpec");
export type SuiteSpec = z.infer<typeof SuiteSpec>;

export const WebhookSpec = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).max(2048).openapi({
      description: "Receives run.succeeded, run.failed and run.cancelled (and test pings), signed per Standard Webhooks. Checked like base_url: no private or loopback addresses in production.",
      example: "https://hooks.example.com/ctxprobe",
    }),
    secret: z
      .string()
      .max(200)
      .superRefine((secret, ctx) => {
        const parsed = parseWebhookSecret(secret);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason });
      })
      .optional()
      .openapi({
        description:
          "Standard Webhooks signing secret: `whsec_` + base64 of 24–64 random bytes. Write-only: never returned. " +
          "Omit it and the service generates one, returned once in the 202 answer (`webhook.secret`) and never again.",
        writeOnly: true,
        example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      }),
  })
  .openapi("WebhookSpec");
export type WebhookSpec = z.infer<typeof WebhookSpec>;

export const CreateRunRequest = z
  .strictObject({
    model: ModelSpec,
    suites: z.array(SuiteSpec).min(1).max(16),
    public: z.boolean().default(true).openapi({ description: "Public runs appear on the leaderboard." }),
    series: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, "letters, digits and . _ @ - only")
      .optional()
      .openapi({ description: "Checkpoint series this run belongs to; GET /v1/series/{name} shows its trend.", example: "llama2-7b-80k" }),
    step: z.int().min(0).optional().openapi({ description: "Training step of the checkpoint within its series." }),
    tokens_trained: z.int().min(0).optional().openapi({ description: "Training tokens seen by the checkpoint (an alternative to step)." }),
    webhook: WebhookSpec.nullable()
      .optional()
      .openapi({ description: "Where to send this run's events. Omitted: the account's default webhook, if it has one (PUT /v1/account/webhook); null: none." }),
  })
  .superRefine((run, ctx) => {
    if ((run.step !== undefined || run.tokens_trained !== undefined) && run.series === undefined) {
      ctx.addIssue({ code: "custom", path: ["series"], message: "step and tokens_trained need a series" });
    }
  })
  .openapi("CreateRunRequest");
export type CreateRunRequest = z.infer<typeof CreateRunRequest>;

export const ScoreMap = z.record(z.string(), z.number().nullable()).openapi("ScoreMap", {
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
    scores: ScoreMap,
    by_length: z.record(z.string(), ScoreMap).optional().openapi({ description: "Length → metric means." }),
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
      .openapi({
        description:
          "Needle: the largest tested length up to which every length's mean `contains` stays ≥ 0.85 × the mean at the shortest length, with a 95 % stratified bootstrap interval (low, high) over probes. Computed by the service from the probes.",
      }),
    by_length_ci: z
      .record(z.string(), z.object({ mean: z.number(), low: z.number(), high: z.number() }))
      .optional()
      .openapi({ description: "Needle: `contains` mean per length (0–1) with a 95 % bootstrap interval." }),
    by_depth: z.record(z.string(), ScoreMap).optional().openapi({ description: "Depth → metric means." }),
    dataset: z.string().optional().openapi({ description: "Book QA: the dataset id." }),
    dataset_revision: z.string().optional().openapi({ description: "Book QA: the dataset revision the run used (SHA-256 of an imported file)." }),
    task: z.string().optional().openapi({ description: "Book QA: longbook_qa_eng or longbook_choice_eng." }),
    window: z.int().optional().openapi({ description: "Book QA: the prompt budget in tokens." }),
    no_context: z.boolean().optional(),
    question_ids: z.array(z.string()).optional().openapi({
      description: "Book QA: the questions asked, in probe order; a probe's depth_percent is its position in this list.",
    }),
  })
  .openapi("SuiteResult");

export const PublicModel = ModelSpec.omit({ api_key: true }).openapi("PublicModel");

export const Run = z
  .object({
    id: z.string(),
    status: RunStatus,
    public: z.boolean(),
    reference: z.boolean().openapi({ description: "True for the built-in reference baselines." }),
    series: z.string().nullable(),
    step: z.int().nullable(),
    tokens_trained: z.int().nullable(),
    regression: z
      .object({
        flagged: z.boolean(),
        previous_run_id: z.string(),
        previous_step: z.int().nullable(),
        margin: z.number(),
        drops: z.record(z.string(), z.number()).openapi({ description: "suite.metric → points lost against the previous step (positive = worse)." }),
      })
      .nullable()
      .openapi({ description: "Comparison with the previous step of the series, set when the run finished." }),
    progress: z.object({
      total: z.int(),
      done: z.int().openapi({ description: "Settled probes, failed ones included." }),
      failed: z.int(),
      unscorable: z.int(),
      token_mismatches: z.int().openapi({ description: "Settled probes whose reported prompt_tokens disagreed with ours by more than 1 %." }),
    }),
    model: PublicModel,
    lengths_approximate: z.boolean().openapi({
      description:
        'True when the model\'s tokenizer is "endpoint", the endpoint has no usable tokenize route, and lengths were calibrated against usage.prompt_tokens: they are estimates in the endpoint\'s tokens, not exact counts.',
    }),
    tokenization: z
      .object({
        mode: z.enum(["route", "calibrated"]),
        route: z.string().optional().openapi({ description: "The tokenize route used (route mode)." }),
        flavor: z.enum(["vllm", "llamacpp", "tgi"]).optional(),
        fingerprint: z.string().optional().openapi({ description: "Fingerprint of the endpoint's tokenizer (SHA-256 of the ids of a fixed text)." }),
        proxy: z.string().optional().openapi({ description: "Calibrated mode: the local tokenizer whose counts are scaled." }),
        ratio: z.number().optional().openapi({ description: "Calibrated mode: endpoint tokens per proxy token, fitted to usage.prompt_tokens." }),
        intercept: z.number().optional(),
        samples: z.int().optional().openapi({ description: "Calibrated mode: calibration calls with a reported prompt_tokens." }),
        reason: z.string().optional().openapi({ description: "Calibrated mode: why no tokenize route was used." }),
      })
      .nullable()
      .openapi({ description: 'Tokenizer "endpoint": how lengths are counted, decided by the run\'s first probe; null otherwise or before.' }),
    suites: z.array(SuiteResult),
    usage: z.object({
      prompt_tokens: z.int().openapi({ description: "Sum of usage.prompt_tokens reported by the endpoint." }),
      completion_tokens: z.int(),
      cached_tokens: z.int().openapi({ description: "Prompt tokens the endpoint served from its prefix cache (usage.prompt_tokens_details.cached_tokens)." }),
      cached_ratio: z.number().nullable().openapi({ description: "cached_tokens / prompt_tokens." }),
      cost_usd: z.number().nullable().openapi({ description: "From the model's prices, cached prompt tokens at price_per_million_cached_input; null without prices." }),
    }),
    error: z.string().nullable(),
    webhook: z
      .object({
        url: z.string(),
        secret_set: z.literal(true),
        status: z.enum(["enabled", "disabled"]).openapi({ description: "disabled after the receiver answered 410 Gone; a ping or redelivery it accepts enables it again." }),
        disabled_reason: z.string().nullable(),
        secret: z.string().optional().openapi({
          description: "The generated signing secret: only in the 202 answer of the submission that generated it, never again. Store it now.",
        }),
      })
      .nullable()
      .openapi({ description: "The run's webhook (the secret itself is never shown); null without one." }),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    links: z.record(z.string(), z.string()),
  })
  .openapi("Run");
export type Run = z.infer<typeof Run>;

export const RunPlan = z
  .object({
    dry_run: z.literal(true),
    probes: z.int(),
    prompt_tokens: z.int().openapi({ description: "Estimated prompt tokens over all probes." }),
    max_completion_tokens: z.int().openapi({ description: "Upper bound of completion tokens (max_tokens of every probe)." }),
    cost_usd: z.number().nullable().openapi({ description: "Upper-bound cost from the model's prices (all completions at max_tokens); null without prices." }),
    time_s: z.number().nullable().openapi({
      description: "Expected wall time from this endpoint's measured latency per prompt token in earlier runs, at max_concurrency; null without history.",
    }),
    time_basis: z.string().openapi({ description: "What time_s is based on." }),
    suites: z.array(z.object({ index: z.int(), type: z.string(), probes: z.int(), prompt_tokens: z.int() })),
  })
  .openapi("RunPlan");

export const Probe = z
  .object({
    idx: z.int(),
    suite: z.int().openapi({ description: "Index of the suite in the run." }),
    suite_type: z.string(),
    context_length: z.int().nullable(),
    depth_percent: z.int().nullable(),
    item: z.int().nullable().openapi({ description: "Book QA: the question's position in the suite's question_ids." }),
    status: ProbeStatus,
    attempts: z.int(),
    constructed_tokens: z.int().nullable().openapi({ description: "Tokens of haystack + needle as built, in the run's tokenizer." }),
    expected_prompt_tokens: z.int().nullable().openapi({ description: "Tokens of the whole prompt in the run's tokenizer (template included)." }),
    prompt_tokens: z.int().nullable().openapi({ description: "usage.prompt_tokens reported by the endpoint." }),
    cached_tokens: z.int().nullable().openapi({ description: "usage.prompt_tokens_details.cached_tokens, where reported." }),
    token_mismatch: z.boolean().openapi({
      description: "The reported prompt_tokens differ from expected_prompt_tokens by more than 1 % (beyond a BOS token and chat framing): check the tokenizer.",
    }),
    completion_tokens: z.int().nullable(),
    latency_ms: z.int().nullable(),
    ttft_ms: z.int().nullable().openapi({ description: "Time to first token, when the reply was streamed." }),
    finish_reason: z.string().nullable(),
    response: z.string().nullable(),
    scores: z.record(z.string(), z.number()).nullable(),
    prompt_sha256: z.string().nullable().openapi({ description: "SHA-256 of the exact prompt (or JSON.stringify(messages))." }),
    error: z.string().nullable(),
  })
  .openapi("Probe");

export const ProbePrompt = z
  .object({
    run_id: z.string(),
    idx: z.int(),
    api: z.enum(["completions", "chat"]),
    prompt: z.string().optional().openapi({ description: "The exact prompt (completions)." }),
    messages: z.array(z.object({ role: z.string(), content: z.string() })).optional().openapi({ description: "The exact messages (chat)." }),
    prompt_sha256: z.string().openapi({ description: "SHA-256 of the prompt, or of JSON.stringify(messages); equals the probe's." }),
    constructed_tokens: z.int(),
    max_tokens: z.int(),
  })
  .openapi("ProbePrompt");

export const ProbeParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
  idx: z.coerce.number().int().min(0).openapi({ param: { name: "idx", in: "path" } }),
});

export const Heatmap = z
  .object({
    run_id: z.string(),
    suite: z.int(),
    metric: z.string(),
    context_lengths: z.array(z.int()),
    depth_percents: z.array(z.int()),
    scores: z.array(z.array(z.number().nullable())).openapi({ description: "Rows are depths, columns lengths; 0–1." }),
  })
  .openapi("Heatmap");

export const LeaderboardRow = z
  .object({
    run_id: z.string().nullable().openapi({ description: "Null for rows reported in the paper." }),
    model: PublicModel.partial().extend({ name: z.string() }),
    reference: z.boolean(),
    reported: z.boolean().openapi({ description: "True for numbers reported in the paper (?include=reported), never measured here." }),
    series: z.string().nullable(),
    step: z.int().nullable(),
    source: z.string().nullable().openapi({ description: "Where a reported row comes from." }),
    tokens_processed: z.int().nullable().openapi({ description: "Prompt + completion tokens the endpoint reported for the run." }),
    suites: z.record(z.string(), ScoreMap).openapi({ description: "Suite type → metric means (first suite of each type)." }),
    effective_context_length: z.int().nullable().openapi({ description: "Of the first needle suite; see SuiteResult.effective_context_length." }),
    effective_context_length_interval: z.tuple([z.int().nullable(), z.int().nullable()]).nullable().openapi({ description: "Its 95 % bootstrap interval." }),
    finished_at: z.string().nullable(),
  })
  .openapi("LeaderboardRow");

export const Page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: "Page size (max 500)." }),
  cursor: z.string().max(200).optional().openapi({ description: "Opaque cursor from next_cursor." }),
});

export const RunIdParam = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "run_01j..." }),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string(), in: z.string().optional() })).optional(),
  })
  .openapi("Problem");
