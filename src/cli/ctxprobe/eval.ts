// `ctxprobe eval`: build a run request from flags, submit it (or only plan it), optionally follow
// it to the end and gate CI on its headline score.
import { MODEL_TOKENIZERS } from "../../probes/types";
import type { PreflightReport, Run, RunPlan, RunRequest } from "./api-types";
import { SUITE_HELP, SUITE_OPTIONS, suitesFrom } from "./suite-flags";
import { parseChoice, parseCommandArgs, parseInteger, parseNumber } from "./args";
import { ApiClient, DEFAULT_URL } from "./client";
import { GATE_METRICS, gateVerdict } from "./gate";
import { EXIT, UsageError, writeLine, type CliIo } from "./io";
import { fetchHeatmap, runReport } from "./report";
import { followRun } from "./watch";

export const EVAL_HELP = `Usage: ctxprobe eval --base-url URL --model NAME [options]

Submit an evaluation run of an OpenAI-compatible endpoint to a ctxprobe service.

Service
  --url URL                 ctxprobe service (default $CTXPROBE_URL or ${DEFAULT_URL});
                            $CTXPROBE_TOKEN, if set, is sent as a bearer token
Model
  --base-url URL            the endpoint's OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1
  --model NAME              model name the endpoint expects
  --name NAME               display name of the checkpoint (default: --model)
  --api completions|chat    raw prompts (base checkpoints, default) or chat messages
  --tokenizer NAME          ${MODEL_TOKENIZERS.join(", ")} (default cl100k_base;
                            endpoint: the server's own, via its tokenize route)
  --context-window N        the endpoint's context window in tokens (default 131072)
  --max-concurrency N       calls in flight at most (default 4)
  --request-timeout S       per-call timeout in seconds (default 600)
  --training-length N       sequence length the checkpoint was trained at (marked on heatmaps)
  --api-key-env VAR         read the endpoint's API key from environment variable VAR
                            (never pass a key on the command line)
  --discover-window         before the first probe, bisect for the longest prompt the server
                            takes without cutting it; lengths above it are marked
  --reasoning on|off        a reasoning model: set <think>/reasoning_content apart and score the
                            answer (default: detected per reply); off scores the text as it comes
  --max-output-tokens N     answer budget of every generating call (a reasoning model needs
                            thousands); replaces the suites' 50/300
${SUITE_HELP}Run
  --private                 keep the run off the public leaderboard
  --no-preflight            skip the check made before submitting (POST /v1/endpoints/check:
                            reachable, credentials, model, window, tokenizer agreement…), which
                            exits 1 without submitting when a blocking check fails or the
                            tokenizer disagrees (--preflight, the default, is still accepted)
  --allow-mismatch          submit although the tokenizer disagrees, and let the gate pass on
                            scores although the run warns that the server cut prompts or counts
                            tokens otherwise
  --dry-run                 validate and plan only: probes and estimated prompt tokens
  --wait                    follow the run with a progress bar, then print scores and heatmap
  --metric METRIC           heatmap and --fail-under metric: paper (default), rouge1 or
                            contains of the first suite, or SUITE.METRIC of the first suite
                            of that type (nonliteral.nonliteral, bookqa.infinitebench, …)
  --fail-under SCORE        with --wait: exit 1 if the headline score (that --metric, 0–100)
                            is below SCORE; a run that does not succeed always exits 1 with --wait
  --max-gap TOKENS          with --wait: exit 1 if the non-literal suite's literal gap (literal
                            minus non-literal effective length) is above TOKENS
  --max-loss NATS           with --wait: exit 1 if the loss suite's Loss@L at its longest length
                            (mean NLL in nats) is above NATS
  --min-mmlu SCORE          with --wait: exit 1 if the mmlu suite's accuracy (micro, 0–100) is below SCORE
  --min-ruler SCORE         with --wait: exit 1 if the ruler suite's RULER average (0–100) is below SCORE
  --json                    print JSON only: the run (final with --wait) or, with --dry-run, the plan
  -h, --help

Example
  ctxprobe eval --base-url http://127.0.0.1:8000/v1 --model my-7b --tokenizer llama2 \\
    --preset paper --wait --fail-under 80
`;

export const EVAL_OPTIONS = {
  url: { type: "string" },
  "base-url": { type: "string" },
  api: { type: "string" },
  model: { type: "string" },
  name: { type: "string" },
  tokenizer: { type: "string" },
  "context-window": { type: "string" },
  "max-concurrency": { type: "string" },
  "request-timeout": { type: "string" },
  "training-length": { type: "string" },
  "api-key-env": { type: "string" },
  "discover-window": { type: "boolean" },
  reasoning: { type: "string" },
  "max-output-tokens": { type: "string" },
  ...SUITE_OPTIONS,
  private: { type: "boolean" },
  "dry-run": { type: "boolean" },
  preflight: { type: "boolean" },
  "no-preflight": { type: "boolean" },
  "allow-mismatch": { type: "boolean" },
  wait: { type: "boolean" },
  metric: { type: "string" },
  "fail-under": { type: "string" },
  "max-gap": { type: "string" },
  "max-loss": { type: "string" },
  "min-mmlu": { type: "string" },
  "min-ruler": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export type EvalValues = Partial<Record<keyof typeof EVAL_OPTIONS, string | boolean>>;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === "string" ? v : undefined);

/** Maps the flags onto the POST /v1/runs body. Unset flags are left out so the service's defaults apply. */
export function runRequestFrom(values: EvalValues, env: Record<string, string | undefined>): RunRequest {
  const baseUrl = str(values["base-url"]);
  const modelName = str(values.model);
  if (!baseUrl) throw new UsageError("--base-url is required", "eval");
  if (!modelName) throw new UsageError("--model is required", "eval");
  const integer = (flag: keyof typeof EVAL_OPTIONS) => {
    const text = str(values[flag]);
    return text === undefined ? undefined : parseInteger(`--${flag}`, text);
  };

  const model: RunRequest["model"] = { name: str(values.name) ?? modelName, base_url: baseUrl, model: modelName };
  const api = str(values.api);
  if (api !== undefined) model.api = parseChoice("--api", api, ["completions", "chat"] as const);
  const tokenizer = str(values.tokenizer);
  if (tokenizer !== undefined) model.tokenizer = parseChoice("--tokenizer", tokenizer, MODEL_TOKENIZERS);
  const optional = {
    context_window: integer("context-window"),
    max_concurrency: integer("max-concurrency"),
    request_timeout_s: integer("request-timeout"),
    training_context_length: integer("training-length"),
    max_output_tokens: integer("max-output-tokens"),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(model, { [key]: value });
  if (values["discover-window"]) model.discover_window = true;
  const reasoning = str(values.reasoning);
  if (reasoning !== undefined) model.reasoning = parseChoice("--reasoning", reasoning, ["on", "off"] as const) === "on";
  const keyVar = str(values["api-key-env"]);
  if (keyVar !== undefined) {
    // The key travels only through the environment, so it never shows up in `ps` or shell history.
    const key = env[keyVar];
    if (!key) throw new UsageError(`--api-key-env ${keyVar}: the environment variable ${keyVar} is not set`, "eval");
    model.api_key = key;
  }

  const suites = suitesFrom(values);
  return { model, suites, ...(values.private ? { public: false } : {}) };
}

export interface EvalSettings {
  dryRun: boolean;
  wait: boolean;
  json: boolean;
  metric: string;
  failUnder?: number;
  maxGap?: number;
  maxLoss?: number;
  minMmlu?: number;
  minRuler?: number;
  allowMismatch: boolean;
}


export function evalSettingsFrom(values: EvalValues): EvalSettings {
  const failUnderText = str(values["fail-under"]);
  const failUnder = failUnderText === undefined ? undefined : parseNumber("--fail-under", failUnderText, { min: 0, max: 100 });
  const maxGapText = str(values["max-gap"]);
  const maxLossText = str(values["max-loss"]);
  const minMmluText = str(values["min-mmlu"]);
  const minRulerText = str(values["min-ruler"]);
  const settings = {
    dryRun: values["dry-run"] === true,
    wait: values.wait === true,
    json: values.json === true,
    metric: parseChoice("--metric", str(values.metric) ?? "paper", GATE_METRICS),
    failUnder,
    maxGap: maxGapText === undefined ? undefined : parseInteger("--max-gap", maxGapText, { min: 0 }),
    maxLoss: maxLossText === undefined ? undefined : parseNumber("--max-loss", maxLossText, { min: 0, max: 100 }),
    minMmlu: minMmluText === undefined ? undefined : parseNumber("--min-mmlu", minMmluText, { min: 0, max: 100 }),
    minRuler: minRulerText === undefined ? undefined : parseNumber("--min-ruler", minRulerText, { min: 0, max: 100 }),
    allowMismatch: values["allow-mismatch"] === true,
  };
  if (failUnder !== undefined && !settings.wait) throw new UsageError("--fail-under needs --wait (the score exists only once the run has finished)", "eval");
  if (settings.maxGap !== undefined && !settings.wait) throw new UsageError("--max-gap needs --wait (the gap exists only once the run has finished)", "eval");
  if (settings.minMmlu !== undefined && !settings.wait) throw new UsageError("--min-mmlu needs --wait (the accuracy exists only once the run has finished)", "eval");
  if (settings.minRuler !== undefined && !settings.wait) throw new UsageError("--min-ruler needs --wait (the average exists only once the run has finished)", "eval");
  if (settings.maxLoss !== undefined && !settings.wait) throw new UsageError("--max-loss needs --wait (the loss exists only once the run has finished)", "eval");
  if (settings.dryRun && settings.wait) throw new UsageError("--dry-run and --wait exclude each other", "eval");
  return settings;
}

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs("eval", argv, EVAL_OPTIONS);
  if (values.help) {
    io.stdout.write(EVAL_HELP);
    return EXIT.ok;
  }
  const request = runRequestFrom(values, io.env);
  const settings = evalSettingsFrom(values);
  const client = ApiClient.fromOptions(values.url, io);

  if (!values["no-preflight"] && !(await endpointPasses(client, request, settings, io))) return EXIT.failure;

  if (settings.dryRun) {
    const plan = await client.request<RunPlan>("POST", "/v1/runs", { query: { dry_run: "true" }, json: request });
    writeLine(io.stdout, settings.json ? JSON.stringify(plan) : planReport(plan));
    return EXIT.ok;
  }

  const submitted = await client.request<Run>("POST", "/v1/runs", { json: request });
  // With --json, stdout carries only the JSON; everything for humans goes to stderr.
  const human = settings.json ? io.stderr : io.stdout;
  writeLine(human, `submitted ${submitted.id} (${submitted.progress.total} probes) to ${client.baseUrl}`);
  if (!settings.wait) {
    if (settings.json) writeLine(io.stdout, JSON.stringify(submitted));
    else writeLine(human, `follow it with: ctxprobe runs show ${submitted.id}`);
    return EXIT.ok;
  }

  const run = await followRun(client, submitted, io, { stream: human });
  if (settings.json) {
    writeLine(io.stdout, JSON.stringify(run));
  } else {
    const heatmap = await fetchHeatmap(client, run, settings.metric);
    writeLine(io.stdout, "\n" + runReport(run, heatmap, client.baseUrl));
  }
  const verdict = gateVerdict(run, settings.metric, settings.failUnder, { maxGap: settings.maxGap, maxLoss: settings.maxLoss, minMmlu: settings.minMmlu, minRuler: settings.minRuler, allowMismatch: settings.allowMismatch });
  if (verdict.message) writeLine(human, verdict.message);
  return verdict.pass ? EXIT.ok : EXIT.failure;
}

/** The preflight before submitting, printed; false when it stops the submission. */
async function endpointPasses(client: ApiClient, request: RunRequest, settings: EvalSettings, io: CliIo): Promise<boolean> {
  const report = await client.request<PreflightReport>("POST", "/v1/endpoints/check", { json: { model: request.model } });
  const blocked = preflightBlocks(report, settings.allowMismatch);
  writeLine(settings.json ? io.stderr : io.stdout, preflightText(report, blocked));
  return !blocked;
}

/** A failed blocking check always stops the submission; a tokenizer disagreement unless --allow-mismatch. */
function preflightBlocks(report: PreflightReport, allowMismatch: boolean): boolean {
  return !report.ok && !(allowMismatch && report.tokenizer_agrees === false && !report.checks.some((c) => ["reachable", "auth", "model"].includes(c.name) && c.ok === false));
}

function preflightText(report: PreflightReport, blocked: boolean): string {
  const mark = (ok: boolean | null) => (ok === true ? "ok  " : ok === false ? "FAIL" : " -- ");
  const verdict = report.ok ? "the endpoint can be evaluated" : blocked ? "the endpoint cannot be evaluated as asked; nothing was submitted" : "the tokenizer disagrees; submitting anyway (--allow-mismatch)";
  return [`preflight: ${verdict}`, ...report.checks.map((c) => `  ${mark(c.ok)} ${c.name.padEnd(20)} ${c.detail}`)].join("\n");
}

function planReport(plan: RunPlan): string {
  return [
    `dry run: ${plan.probes} probes, about ${plan.prompt_tokens.toLocaleString("en-US")} prompt tokens; nothing was sent`,
    ...plan.suites.map((s) => `  suite ${s.index} ${s.type}: ${s.probes} probes, ${s.prompt_tokens.toLocaleString("en-US")} prompt tokens`),
  ].join("\n");
}
