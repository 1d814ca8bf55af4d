// A run's summary as Markdown (GET /v1/runs/{id}/summary.md, or ?format=md on the run): the tables a
// trainer pastes into a model card or a report — the model, each suite's scores with the intervals
// the service computes, the effective context lengths, and the warnings a reader must see first.
import type { Run, SuiteResult } from "../contract/run";
import { formatInt, formatK, formatScore } from "../web/format";

/** Text made safe for a table cell: pipes escaped, line breaks flattened. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
const table = (head: readonly string[], align: readonly ("l" | "r")[], rows: readonly string[][]) =>
  [row(head), row(align.map((a) => (a === "r" ? "--:" : "---"))), ...rows.map(row)].join("\n");

const SUITE_NAMES: Record<string, string> = {
  needle: "Needle in a haystack",
  nonliteral: "Non-literal needles",
  bookqa: "Book QA",
  loss: "Loss by context length",
  mmlu: "Multiple choice",
};

function suiteName(s: SuiteResult): string {
  const where = [s.corpus ? `corpus ${s.corpus}` : null, s.dataset ? `dataset ${s.dataset}` : null].filter(Boolean).join(", ");
  return mdCell(`${SUITE_NAMES[s.type] ?? s.type} (suite ${s.index}${where ? `; ${where}` : ""})`);
}

function gridOf(s: SuiteResult): string {
  const lengths = s.context_lengths ?? [];
  const span = lengths.length ? `${lengths.length} length${lengths.length === 1 ? "" : "s"} ${formatK(lengths[0]!)}${lengths.length > 1 ? `–${formatK(lengths.at(-1)!)}` : ""}` : "";
  const depths = s.type === "needle" || s.type === "nonliteral" ? (s.depth_percents?.length ?? 0) : 0;
  return [span, depths ? `${depths} depths` : ""].filter(Boolean).join(" × ") || "—";
}

const interval = (low: number | null | undefined, high: number | null | undefined, format: (x: number) => string) =>
  typeof low === "number" && typeof high === "number" ? `${format(low)} – ${format(high)}` : "—";
const nats = (x: number) => x.toFixed(3);
const tokens = (x: number | null) => (x === null ? "none" : formatK(x));

/** The suite's score rows: metric, score, interval (where the service computes one). */
function scoreRows(s: SuiteResult): [string, string, string][] {
  if (s.type === "loss" && s.loss) {
    return Object.entries(s.loss.loss_at)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([length, cell]) => [`Loss@${formatK(Number(length))} (nats, lower is better)`, nats(cell.loss), interval(cell.low, cell.high, nats)]);
  }
  if (s.type === "mmlu" && s.mmlu) {
    const { micro, macro } = s.mmlu;
    return [
      ["accuracy, micro", formatScore(micro?.acc), interval(micro?.low, micro?.high, formatScore)],
      ["accuracy, macro", formatScore(macro?.acc), interval(macro?.low, macro?.high, formatScore)],
    ];
  }
  return Object.entries(s.scores).map(([metric, score]) => [mdCell(metric), formatScore(score), "—"]);
}

function scoresTable(run: Run): string {
  const rows = run.suites.flatMap((s) =>
    scoreRows(s).map(([metric, score, ci], i) => (i === 0 ? [suiteName(s), gridOf(s), metric, score, ci, `${s.scored} / ${s.probes}`] : ["", "", metric, score, ci, ""])),
  );
  if (!rows.length) return "No suite has results yet.";
  return table(["Suite", "Grid", "Metric", "Score", "95 % interval", "Scored"], ["l", "l", "l", "r", "l", "r"], rows);
}

/** One row per effective length the run has: needle suites, and a non-literal suite's kinds and literal gap. */
function effectiveRows(run: Run): string[][] {
  return run.suites.flatMap((s): string[][] => {
    const e = s.effective_context_length;
    if (s.type === "needle" && e) {
      const rule = e.definition === "relative" ? "contains ≥ 85 % of the shortest length's mean" : `contains ≥ ${formatScore(100 * e.threshold)}`;
      return [[suiteName(s), rule, s.scored ? tokens(e.length) : "not measured", interval(e.low, e.high, formatK)]];
    }
    const figures = s.nonliteral;
    if (s.type !== "nonliteral" || !figures) return [];
    const kinds = [...figures.kinds.map((k) => [k, figures.by_kind[k]] as const), ["one and two hops pooled", figures.pooled] as const];
    const rows = kinds.flatMap(([kind, f]) => {
      const r = f?.effective_context_length.relative;
      return r ? [[`${suiteName(s)}, ${kind}`, "contains ≥ 85 % of the kind's shortest-length mean", tokens(r.length), interval(r.low, r.high, formatK)]] : [];
    });
    const gap = figures.literal_gap?.relative;
    if (gap) rows.push([`${suiteName(s)}, literal gap`, "literal minus non-literal effective length", tokens(gap.length), interval(gap.low, gap.high, formatK)]);
    return rows;
  });
}

function factsTable(run: Run, origin: string): string {
  const m = run.model;
  const p = run.progress;
  const finished = run.finished_at ? ` · finished ${run.finished_at.slice(0, 16).replace("T", " ")} UTC` : "";
  const settled = [p.failed && `${p.failed} failed`, p.unscorable && `${p.unscorable} unscorable`, p.truncated && `${p.truncated} truncated`, p.incomplete && `${p.incomplete} incomplete`].filter(Boolean);
  const serving = run.serving ? [run.serving.engine ? `${run.serving.engine}${run.serving.version ? ` ${run.serving.version}` : ""}` : null, run.serving.model_id].filter(Boolean).join(" · ") : "";
  const rows = [
    ["Served model", `\`${m.model.replace(/`/g, "'")}\` (${m.api} API)`],
    ["Tokenizer", mdCell(m.tokenizer)],
    ["Context window", `${formatInt(m.context_window)} tokens${m.training_context_length ? ` · trained at ${formatInt(m.training_context_length)}` : ""}`],
    ...(serving ? [["Serving", mdCell(serving)]] : []),
    ...(run.series ? [["Series", mdCell(`${run.series}${run.step !== null ? `, step ${run.step}` : ""}${run.tokens_trained !== null ? `, ${formatInt(run.tokens_trained)} tokens trained` : ""}`)]] : []),
    ["Run", `[${run.id}](${origin}/runs/${encodeURIComponent(run.id)}) · ${run.status}${finished}`],
    ["Probes", `${p.done} of ${p.total} settled${settled.length ? `: ${settled.join(", ")}` : ""}`],
    ...(run.error ? [["Error", mdCell(run.error)]] : []),
  ];
  return table(["", ""], ["l", "l"], rows);
}

export function runMarkdown(run: Run, origin: string): string {
  const effective = effectiveRows(run);
  const warnings = run.warnings.map((w) => `- **${w.code}**${w.count !== null ? ` (${w.count})` : ""}: ${mdCell(w.message)}`);
  return [
    `## ${mdCell(run.model.name)} — ctxprobe long-context evaluation`,
    factsTable(run, origin),
    "### Scores",
    scoresTable(run),
    `Scores are means over scored probes on a 0–100 scale (the paper's needle metric gives a perfect answer 91.67)${run.suites.some((s) => s.type === "loss") ? "; Loss@L is in nats" : ""}.`,
    ...(effective.length ? ["### Effective context length", table(["Suite", "Rule", "Effective length", "95 % interval"], ["l", "l", "r", "l"], effective)] : []),
    "### Warnings",
    warnings.length ? warnings.join("\n") : "None.",
  ].join("\n\n") + "\n";
}
