// `npm run demo`: start ctxprobe locally, evaluate both built-in reference models on a needle
// grid, a non-literal grid (needles a keyword search cannot find, four distractors per prompt) and
// loss by context length (from the models' prompt log-probabilities) and the multiple-choice smoke
// set (short-context retention) with live progress, print scores, heatmaps, the literal gap, Loss@L
// per domain and accuracy, RULER's 11 tasks on a 4K / 16K grid, and leave the service running.
//   --preset paper|kamradt|quick   use a preset grid instead of the demo grid (8 lengths × 5 depths)
//   --exit                          stop the service when done (for scripts)
import { parseArgs } from "node:util";
import { startLocalService } from "./local-service";
import { progressLine, textHeatmap, type ProgressState } from "./render";

const { values: args } = parseArgs({
  options: { preset: { type: "string" }, exit: { type: "boolean", default: false }, port: { type: "string" } },
});
const port = Number(args.port ?? process.env.PORT ?? 8787);
const DEMO_GRID = { context_lengths: [1000, 4000, 8000, 16000, 32000, 64000, 96000, 128000], depth_percents: [0, 25, 50, 75, 100] };
const MODELS = ["extractive-128k", "extractive-4k"];
const HEATMAPS = [
  ["needle (contains)", "metric=contains"],
  ["non-literal: literal pairs", "suite=1&metric=literal"],
  ["non-literal: one- and two-hop pairs", "suite=1&metric=nonliteral"],
] as const;
const NONLITERAL_SUITE = { type: "nonliteral", context_lengths: [1000, 4000, 16000, 64000, 128000], distractors: 4, pairs: 2 };
const LOSS_SUITE = { type: "loss", context_lengths: [1000, 4000, 16000, 64000, 128000], documents: 2 };
/** The built-in smoke set (our questions, not MMLU): short-context retention beside the long-context suites. */
const MMLU_SUITE = { type: "mmlu" };
/** RULER's 11 synthetic tasks on a small grid (44 probes): the keyword search fails its aggregation and tracing. */
const RULER_SUITE = { type: "ruler", context_lengths: [4096, 16384], samples: 2 };

type LengthView = { length: number | null; low: number | null; high: number | null };
interface NonliteralView {
  by_kind: Record<string, { effective_context_length: { relative: LengthView } }>;
  literal_gap: { relative: LengthView } | null;
}

interface LossView {
  domains: string[];
  by_domain: Record<string, Record<string, { loss: number }>>;
  loss_at: Record<string, { loss: number }>;
}

interface RunView {
  id: string;
  status: string;
  progress: { total: number; done: number; failed: number };
  suites: { type: string; scores: Record<string, number | null>; scored: number; unscorable: number; failed: number; nonliteral?: NonliteralView; loss?: LossView; mmlu?: { scoring: string | null } }[];
  error: string | null;
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { detail?: string };
  if (!res.ok) throw new Error(`${res.status}: ${body.detail ?? JSON.stringify(body)}`);
  return body;
}

console.log(`Starting ctxprobe on http://127.0.0.1:${port} (wrangler dev: local workerd, D1, Queues, Durable Objects)…`);
const service = await startLocalService({ port, output: "ignore" });
const base = service.url;
// However the demo ends (an error included), it must not leave wrangler running behind it.
process.on("exit", () => service.stop());
// The admin token from .dev.vars (created on first start): submitting runs needs a token.
const auth: Record<string, string> = service.adminToken ? { authorization: `Bearer ${service.adminToken}` } : {};
console.log(`Service is up. Submitting runs (needle grid, non-literal needles, loss by length, multiple choice, RULER) for the reference models…\n`);

const suite = args.preset ? { type: "needle", preset: args.preset } : { type: "needle", ...DEMO_GRID };
const runs: { model: string; id: string; state: ProgressState }[] = [];
for (const model of MODELS) {
  const run = await json<RunView>(
    await fetch(`${base}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({
        model: { name: `${model} (reference)`, base_url: `${base}/reference/v1`, api: "completions", model, tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 6, request_timeout_s: 120 },
        suites: [suite, NONLITERAL_SUITE, LOSS_SUITE, MMLU_SUITE, RULER_SUITE],
        public: true,
      }),
    }),
  );
  runs.push({ model, id: run.id, state: { label: model, done: 0, total: run.progress.total, failed: 0, status: run.status, startedAt: Date.now() } });
}

const interactive = process.stdout.isTTY;
let lastPrinted = 0;
for (;;) {
  for (const r of runs) {
    const view = await json<RunView>(await fetch(`${base}/v1/runs/${r.id}`, { headers: auth }));
    Object.assign(r.state, { done: view.progress.done, total: view.progress.total, failed: view.progress.failed, status: view.status });
  }
  const lines = runs.map((r) => progressLine(r.state));
  if (interactive) {
    if (lastPrinted) process.stdout.write(`\x1b[${lastPrinted}A`);
    process.stdout.write(lines.map((l) => `\x1b[2K${l}`).join("\n") + "\n");
    lastPrinted = lines.length;
  } else if (Date.now() - lastPrinted > 5000) {
    console.log(lines.join("\n"));
    lastPrinted = Date.now();
  }
  if (runs.every((r) => ["succeeded", "failed", "cancelled"].includes(r.state.status))) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
if (!interactive) console.log(runs.map((r) => progressLine(r.state)).join("\n"));

for (const r of runs) {
  const view = await json<RunView>(await fetch(`${base}/v1/runs/${r.id}`, { headers: auth }));
  console.log(`\n${r.model}: ${view.status}${view.error ? ` (${view.error})` : ""}`);
  const [needle, nonliteral, loss, mmlu, ruler] = view.suites;
  if (needle) console.log(`  needle paper ${fmt(needle.scores.paper)}   rouge1 ${fmt(needle.scores.rouge1)}   contains ${fmt(needle.scores.contains)}   ${counts(needle)}`);
  if (nonliteral) for (const line of nonliteralLines(nonliteral)) console.log(`  ${line}`);
  if (loss) for (const line of lossLines(loss)) console.log(`  ${line}`);
  if (mmlu) console.log(`  multiple choice (smoke set, not MMLU): micro ${fmt(mmlu.scores.micro)}   macro ${fmt(mmlu.scores.macro)}   scored by ${mmlu.mmlu?.scoring ?? "n/a"}   ${counts(mmlu)}`);
  if (ruler) console.log(`  RULER (11 tasks, 4K and 16K): average ${fmt(ruler.scores.ruler)}   ${Object.entries(ruler.scores).filter(([task]) => task !== "ruler").map(([task, v]) => `${task} ${fmt(v)}`).join("  ")}   ${counts(ruler)}`);
  for (const [title, query] of HEATMAPS) {
    const heatmap = await json<{ context_lengths: number[]; depth_percents: number[]; scores: (number | null)[][] }>(await fetch(`${base}/v1/runs/${r.id}/heatmap?${query}`, { headers: auth }));
    console.log(`  ${title}\n${textHeatmap(heatmap).replace(/^/gm, "  ")}`);
  }
  // With --exit the service stops below: its URLs would lead nowhere.
  if (!args.exit) console.log(`  run page: ${base}/runs/${r.id}   JSON: ${base}/v1/runs/${r.id}`);
}

function fmt(value: number | null | undefined): string {
  return value === null || value === undefined ? "n/a" : value.toFixed(2);
}

function counts(suite: RunView["suites"][number]): string {
  return `(scored ${suite.scored}, unscorable ${suite.unscorable}, failed ${suite.failed})`;
}

function nonliteralLines(suite: RunView["suites"][number]): string[] {
  const s = suite.scores;
  const tokens = (figure: LengthView | undefined) => (figure?.length === null || figure === undefined ? "none" : `${figure.length}`);
  const lengths = ["literal", "one_hop", "two_hop"].map((kind) => `${kind} ${tokens(suite.nonliteral?.by_kind[kind]?.effective_context_length.relative)}`);
  const gap = suite.nonliteral?.literal_gap?.relative;
  return [
    `non-literal: literal ${fmt(s.literal)}   one_hop ${fmt(s.one_hop)}   two_hop ${fmt(s.two_hop)}   distracted ${fmt(s.distracted)}   ${counts(suite)}`,
    `  effective length (tokens): ${lengths.join(", ")};  literal gap ${tokens(gap)}${gap ? ` (95 % ${tokens({ ...gap, length: gap.low })}–${tokens({ ...gap, length: gap.high })})` : ""}`,
  ];
}

/** Loss@L per domain, lengths ascending: a falling row uses its context, a flat one does not. */
function lossLines(suite: RunView["suites"][number]): string[] {
  const figures = suite.loss;
  if (!figures) return [`loss: no figures ${counts(suite)}`];
  const row = (cells: Record<string, { loss: number }> | undefined) =>
    Object.entries(cells ?? {})
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([length, cell]) => `${Number(length) / 1000}K ${cell.loss.toFixed(2)}`)
      .join("  ");
  return [`loss (Loss@L, nats; lower is better) ${counts(suite)}`, ...figures.domains.map((d) => `  ${d.padEnd(10)} ${row(figures.by_domain[d])}`), `  ${"all".padEnd(10)} ${row(figures.loss_at)}`];
}

if (args.exit) {
  console.log("\nDone; stopping the service (--exit).");
  service.stop();
  process.exit(runs.every((r) => r.state.status === "succeeded") ? 0 : 1);
}
console.log(`\nLeaderboard: ${base}/  (JSON: ${base}/v1/leaderboard)    API docs: ${base}/docs`);
console.log("The service keeps running; press Ctrl-C to stop it.");
process.on("SIGINT", () => {
  service.stop();
  process.exit(0);
});
