// Text views of runs: the summary of one run (scores + heatmap) and the table of `runs list`.
import { kTokens, textHeatmap } from "../render";
import type { Heatmap, Run } from "./api-types";
import { splitMetric } from "./gate";
import { ApiError, type ApiClient } from "./client";

export const formatScore = (v: number | null | undefined): string => (typeof v === "number" ? v.toFixed(2) : "n/a");

/**
 * The heatmap for `metric` (as --metric names it: of the first needle suite, or SUITE.METRIC of the
 * first suite of that type); null when that suite has none (book QA) or the run has no grid suite.
 */
export async function fetchHeatmap(client: ApiClient, run: Pick<Run, "id" | "suites">, metric: string): Promise<Heatmap | null> {
  const { type, name } = splitMetric(metric);
  const suite = run.suites.find((s) => s.type === (type ?? "needle"));
  if (!suite || (suite.type !== "needle" && suite.type !== "nonliteral")) return null;
  try {
    return await client.request<Heatmap>("GET", `/v1/runs/${encodeURIComponent(run.id)}/heatmap`, { query: { metric: name, suite: String(suite.index) } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 422 && /no needle/.test(error.problem.detail)) return null;
    throw error;
  }
}

/** The non-literal suite's headline in one line: effective lengths and the literal gap. */
function nonliteralLine(suite: Run["suites"][number]): string | null {
  const figures = suite.nonliteral;
  if (!figures) return null;
  const k = (x: number | null | undefined) => (x === null || x === undefined ? "none" : `${x}`);
  const literal = figures.by_kind.literal?.effective_context_length.relative.length;
  const pooled = figures.pooled?.effective_context_length.relative.length;
  const gap = figures.literal_gap?.relative;
  return `    effective length: literal ${k(literal)}, non-literal ${k(pooled)} tokens; literal gap ${gap ? `${k(gap.length)} (95 % ${k(gap.low)}–${k(gap.high)})` : "n/a"}`;
}

function lossLine(suite: Run["suites"][number]): string | null {
  const figures = suite.loss;
  if (!figures) return null;
  const cells = Object.entries(figures.loss_at).sort(([a], [b]) => Number(a) - Number(b));
  const shown = cells.map(([length, cell]) => `${kTokens(Number(length))} ${cell.loss.toFixed(3)}`).join(", ");
  return `    Loss@L (nats, ${figures.domains.join(" + ")}): ${shown || "none scored yet"}`;
}

function mmluLine(suite: Run["suites"][number]): string | null {
  const figures = suite.mmlu;
  if (!figures?.micro) return null;
  const macro = figures.macro ? `, macro ${figures.macro.acc.toFixed(2)} over ${figures.macro.subjects} subjects` : "";
  return `    multiple choice: ${figures.micro.acc.toFixed(2)} (95 % ${figures.micro.low.toFixed(2)}–${figures.micro.high.toFixed(2)}, ${figures.micro.n} questions)${macro}; scored by ${figures.scoring}`;
}

/** The RULER suite's headline: the average per length and the effective lengths. */
function rulerLine(suite: Run["suites"][number]): string | null {
  const figures = suite.ruler;
  if (!figures) return null;
  const k = (x: number | null) => (x === null ? "none" : kTokens(x));
  const perLength = Object.entries(figures.average_by_length).map(([length, cell]) => `${kTokens(Number(length))} ${cell.mean.toFixed(1)}`).join(", ");
  const { ruler, relative } = figures.effective_context_length;
  return `    RULER average ${formatScore(figures.average)} (${perLength || "none scored yet"}); effective length ${k(ruler.length)} (≥ 85.6; 95 % ${k(ruler.low)}–${k(ruler.high)}), relative ${k(relative.length)}`;
}

function suiteLine(suite: Run["suites"][number]): string {
  const scores = Object.entries(suite.scores)
    .map(([metric, value]) => `${metric} ${formatScore(value)}`)
    .join("   ");
  const where = [suite.corpus, suite.tokenizer].filter(Boolean).join(", ");
  return `  suite ${suite.index} ${suite.type}${where ? ` (${where})` : ""}: ${scores || "no scores yet"}   [scored ${suite.scored}, unscorable ${suite.unscorable}, failed ${suite.failed}]`;
}

/** Status, progress, per-suite scores and, when given, the heatmap. */
export function runReport(run: Run, heatmap: Heatmap | null, baseUrl: string): string {
  const { progress } = run;
  const lines = [
    `run ${run.id}   ${run.model.name} (${run.model.model}, ${run.model.api}, ${run.model.tokenizer})   ${run.status}`,
    `  progress ${progress.done}/${progress.total} probes   failed ${progress.failed}   unscorable ${progress.unscorable}${progress.truncated ? `   truncated ${progress.truncated}` : ""}${progress.incomplete ? `   incomplete ${progress.incomplete}` : ""}   tokens ${run.usage.prompt_tokens} in / ${run.usage.completion_tokens} out`,
    `  created ${run.created_at}${run.finished_at ? `   finished ${run.finished_at}` : ""}`,
    ...(run.error ? [`  error: ${run.error}`] : []),
    ...(run.warnings ?? []).map((w) => `  WARNING (${w.code}): ${w.message}`), // an older service sends none
    ...run.suites.flatMap((s) => [suiteLine(s), nonliteralLine(s), lossLine(s), mmluLine(s), rulerLine(s)].filter((line) => line !== null)),
  ];
  if (heatmap) {
    lines.push("", `heatmap of suite ${heatmap.suite}, metric ${heatmap.metric}:`, textHeatmap(heatmap).replace(/^/gm, "  "));
  }
  lines.push("", `  details: ${baseUrl}/v1/runs/${run.id}`);
  return lines.join("\n");
}

/** One row per run: id, status, progress, headline paper score, model name, creation time. */
export function runsTable(runs: Run[]): string {
  const rows = runs.map((r) => [r.id, r.status, `${r.progress.done}/${r.progress.total}`, formatScore(r.suites[0]?.scores.paper), r.model.name, r.created_at]);
  const header = ["ID", "STATUS", "PROBES", "PAPER", "MODEL", "CREATED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows].map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}
