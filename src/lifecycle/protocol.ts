// A suite's protocol: what two runs must share before their numbers mean the same thing — the
// suite type, its grid or preset (with the settings that change the task), its corpus or dataset,
// and the tokenizer family its lengths are counted in. Derived from the stored recipe, so it needs
// no new column and old runs get one too.
//
// Tokenizer family = the tokenizer's name: lengths counted in llama2 and in llama3 (or cl100k_base
// and o200k_base) are different amounts of text, so "32K" is not the same haystack. Runs counted in
// the endpoint's own tokenizer ("endpoint") are one family of their own: we cannot tell which
// tokenizer the server uses, only that it is not one of ours.
import { DEFAULT_LOSS_LENGTHS } from "../probes/loss/resolve";
import { KAMRADT_CONTEXT_LENGTHS, KAMRADT_DEPTH_PERCENTS, PAPER_CONTEXT_LENGTHS, PAPER_DEPTH_PERCENTS, QUICK_DEPTH_PERCENTS, quickContextLengths } from "../probes/needle/grid";
import { NEEDLE_KINDS } from "../probes/nonliteral/types";
import { SYNTHETIC_TASKS } from "../probes/ruler/protocol";
import { RULER_LENGTHS } from "../probes/suites/ruler";
import type { SuiteRecipe } from "../probes/suites";

export interface Protocol {
  /** `type:grid:corpus:tokenizer`, e.g. `needle:paper:sotu:llama2`. */
  id: string;
  /** The same in words: "needle · paper grid (40 × 10) · sotu · llama2". */
  label: string;
  type: string;
  grid: string;
}

/** 32000 → "32k"; lengths that are not whole thousands stay exact. */
const tokens = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
const shortK = (n: number) => (n < 1000 ? String(n) : `${Math.round(n / 1000)}K`);
const sortedCopy = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** FNV-1a (32 bit), base 36: a short, stable tag telling custom grids of the same shape apart. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36).padStart(7, "0");
}

interface GridName {
  id: string;
  label: string;
}

/** A needle-style grid by its preset's name, or by its shape and a hash of its exact points. */
export function gridName(lengthsIn: readonly number[], depthsIn: readonly number[]): GridName {
  const [lengths, depths] = [sortedCopy(lengthsIn), sortedCopy(depthsIn)];
  if (same(lengths, PAPER_CONTEXT_LENGTHS) && same(depths, PAPER_DEPTH_PERCENTS)) return { id: "paper", label: "paper grid (40 × 10)" };
  if (same(lengths, KAMRADT_CONTEXT_LENGTHS) && same(depths, KAMRADT_DEPTH_PERCENTS)) return { id: "kamradt", label: "Kamradt grid (15 × 15)" };
  const [min, max] = [lengths[0] ?? 0, lengths.at(-1) ?? 0];
  if (same(depths, QUICK_DEPTH_PERCENTS) && max >= 300 && same(lengths, quickContextLengths(max))) {
    return { id: `quick-${tokens(max)}`, label: `quick grid to ${shortK(max)} (${lengths.length} × 5)` };
  }
  return {
    id: `${lengths.length}x${depths.length}-${tokens(min)}-${tokens(max)}~${shortHash(`${lengths.join(",")}|${depths.join(",")}`)}`,
    label: `${lengths.length} lengths ${shortK(min)}–${shortK(max)} × ${depths.length} depths`,
  };
}

/** Lengths alone (loss): the paper's six, or their shape and a hash. */
function lengthsName(lengthsIn: readonly number[]): GridName {
  const lengths = sortedCopy(lengthsIn);
  if (same(lengths, DEFAULT_LOSS_LENGTHS)) return { id: "paper", label: "paper lengths 1K–128K" };
  const [min, max] = [lengths[0] ?? 0, lengths.at(-1) ?? 0];
  return { id: `${lengths.length}L-${tokens(min)}-${tokens(max)}~${shortHash(lengths.join(","))}`, label: `${lengths.length} lengths ${shortK(min)}–${shortK(max)}` };
}

interface Parts {
  grid: GridName;
  corpus: string;
  tokenizer: string;
}

/** Any suite type this module does not know yet: strict — its whole recipe but the bookkeeping. */
function genericParts(recipe: Record<string, unknown>): Parts {
  const { type: _type, index: _index, api: _api, tokenizer, corpus, dataset, ...rest } = recipe;
  const lengths = Array.isArray(rest.context_lengths) ? (rest.context_lengths as number[]) : null;
  const settings = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.endsWith("_version") && !key.endsWith("_revision")));
  const tag = shortHash(JSON.stringify(settings));
  const grid = lengths?.length ? lengthsName(lengths) : { id: "default", label: "its settings" };
  return { grid: { id: `${grid.id.split("~")[0]}~${tag}`, label: grid.label }, corpus: String(corpus ?? dataset ?? "builtin"), tokenizer: String(tokenizer ?? "any") };
}

function partsOf(recipe: SuiteRecipe): Parts {
  switch (recipe.type) {
    case "needle":
      return { grid: gridName(recipe.context_lengths, recipe.depth_percents), corpus: recipe.corpus, tokenizer: recipe.tokenizer };
    case "nonliteral": {
      const grid = gridName(recipe.context_lengths, recipe.depth_percents);
      const kinds = NEEDLE_KINDS.every((k) => recipe.kinds.includes(k)) ? [] : [[...recipe.kinds].sort().join("-")];
      const options = [...kinds, `d${recipe.distractors}`, ...(recipe.haystack_order === "shuffled" ? ["shuffled"] : [])];
      const words = `${kinds.length ? `${kinds[0]}, ` : ""}${recipe.distractors} distractors${recipe.haystack_order === "shuffled" ? ", shuffled" : ""}`;
      return { grid: { id: [grid.id, ...options].join(","), label: `${grid.label}, ${words}` }, corpus: recipe.corpus, tokenizer: recipe.tokenizer };
    }
    case "bookqa": {
      const task = recipe.task.replace(/^longbook_/, "").replace(/_eng$/, "");
      const n = recipe.questions.length;
      const id = [task, `w${tokens(recipe.window)}`, `n${n}`, ...(recipe.no_context ? ["no-context"] : [])].join(",");
      return { grid: { id, label: `${task}, ${n} questions in ${shortK(recipe.window)}${recipe.no_context ? ", no context" : ""}` }, corpus: recipe.dataset, tokenizer: recipe.tokenizer };
    }
    case "loss": {
      const lengths = lengthsName(recipe.context_lengths);
      return { grid: { id: `${lengths.id},n${recipe.documents}`, label: `${lengths.label}, ${recipe.documents} documents` }, corpus: recipe.domains.join(","), tokenizer: recipe.tokenizer };
    }
    case "ruler": {
      // Seed and samples change the draws and the intervals, not what is measured; the tasks and lengths do.
      const lengths = same(sortedCopy(recipe.context_lengths), RULER_LENGTHS) ? { id: "ruler", label: "RULER's lengths 4K–128K" } : lengthsName(recipe.context_lengths);
      const synthetic = SYNTHETIC_TASKS.every((t) => recipe.tasks.includes(t));
      const tasks = synthetic && recipe.tasks.length === SYNTHETIC_TASKS.length ? "synthetic" : synthetic && recipe.tasks.length === SYNTHETIC_TASKS.length + 2 ? "all" : `t${shortHash([...recipe.tasks].sort().join(","))}`;
      const qa = Object.values(recipe.qa ?? {}).map((pin) => pin.dataset);
      return { grid: { id: `${tasks},${lengths.id}`, label: `${recipe.tasks.length} tasks, ${lengths.label}` }, corpus: [recipe.corpus, ...qa].join(","), tokenizer: recipe.tokenizer };
    }
    case "mmlu": {
      const n = recipe.item_positions.length;
      return { grid: { id: `${recipe.shots}shot,${recipe.scoring},n${n}`, label: `${recipe.shots}-shot, ${n} questions, ${recipe.scoring}` }, corpus: recipe.dataset, tokenizer: recipe.tokenizer };
    }
    default:
      return genericParts(recipe as unknown as Record<string, unknown>);
  }
}

/** The protocol of one suite of a run. */
export function suiteProtocol(recipe: SuiteRecipe): Protocol {
  const { grid, corpus, tokenizer } = partsOf(recipe);
  const type = String(recipe.type);
  return { id: [type, grid.id, corpus, tokenizer].join(":"), label: `${type} · ${grid.label} · ${corpus} · ${tokenizer}`, type, grid: grid.id };
}

/**
 * A run's protocols, one per suite type (its first suite of that type, whose scores the leaderboard
 * shows), the primary one first: the first needle suite's, else the run's first suite's.
 */
export function runProtocols(recipes: readonly SuiteRecipe[]): Protocol[] {
  const firstOfType = recipes.filter((r, i) => recipes.findIndex((other) => other.type === r.type) === i);
  const primary = firstOfType.find((r) => r.type === "needle") ?? firstOfType[0];
  return firstOfType.sort((a, b) => Number(b === primary) - Number(a === primary)).map(suiteProtocol);
}

export interface ProtocolCount extends Pick<Protocol, "id" | "label"> {
  runs: number;
}

/** The protocols present among runs, with how many runs have each: most runs first, needle protocols first among equals, then by id. */
export function countProtocols(runs: readonly (readonly Pick<Protocol, "id" | "label">[])[]): ProtocolCount[] {
  const counts = new Map<string, ProtocolCount>();
  for (const protocols of runs) {
    for (const p of protocols) {
      const seen = counts.get(p.id);
      if (seen) seen.runs += 1;
      else counts.set(p.id, { id: p.id, label: p.label, runs: 1 });
    }
  }
  const needleFirst = (id: string) => (id.startsWith("needle:") ? 0 : 1);
  return [...counts.values()].sort((a, b) => b.runs - a.runs || needleFirst(a.id) - needleFirst(b.id) || (a.id < b.id ? -1 : 1));
}

/**
 * The view a reader lands on: the paper's needle grid with the most runs, else the needle protocol
 * with the most runs (the leaderboard ranks by the needle score first), else the one with the most.
 */
export function defaultProtocol(counts: readonly ProtocolCount[]): string | null {
  return (counts.find((c) => c.id.startsWith("needle:paper:")) ?? counts.find((c) => c.id.startsWith("needle:")) ?? counts[0])?.id ?? null;
}
