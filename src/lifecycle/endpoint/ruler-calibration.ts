// Calibrated RULER probes (no tokenize route): the ratio of each (task, length) cell, measured once
// with one max_tokens-1 call (../../probes/ruler/endpoint-fit.ts says why the run's prose line is
// not enough). The measured prompt is the cell's sample 0 at the run line's proxy budget, so every
// probe that measures it gets the same answer; probes that find a sibling's stored sample reuse it,
// and lanes of one isolate share one measurement in flight. fwe measures every probe: its text is
// mostly its few most frequent coded words, drawn per sample, so one sample's ratio says little of
// another's (against LLaMA-2, sample 0's ratio put sample 1 11 % short).
import { calibratedProxyBudget, calibratedRulerBuild, cellCalibration, isRulerEndpointBuild, type CellSample, type RulerEndpointBuild } from "../../probes/ruler/endpoint-fit";
import type { RunTokenization } from "../../probes/needle/endpoint-tokenization";
import { budgetOf, type RulerCellKey } from "../../probes/ruler/probe";
import { rulerMaker, type RulerMaker, type RulerRecipe } from "../../probes/suites/ruler-build";
import type { SuiteContext } from "../../probes/suites";
import { cellBuilds } from "../store/probes";
import { reportedPromptTokens, type EndpointNeedleDeps } from "./tokenization";

type Calibrated = Extract<RunTokenization, { mode: "calibrated" }>;

/** Tasks whose every probe measures its own prompt (the cell's sample would not stand for it). */
const PER_PROBE: ReadonlySet<string> = new Set(["fwe"]);

/** Where a cell's measurement is looked for and made. */
export interface RulerCell {
  runId: string;
  recipe: RulerRecipe;
  cell: RulerCellKey;
  context: SuiteContext;
}

/**
 * usage.prompt_tokens of a prompt built at `proxyBudget` (sent with max_tokens 1), with its proxy
 * tokens; null when the endpoint reports no usage or finds the prompt too long.
 */
async function measure(make: RulerMaker, proxyBudget: number, deps: EndpointNeedleDeps): Promise<CellSample | null> {
  const probe = make(proxyBudget);
  const reported = await reportedPromptTokens(probe.prompt, deps);
  return reported === null ? null : { proxy_tokens: probe.tokens, reported_tokens: reported };
}

/** The sample whose prompt stands for the probe's: the cell's sample 0, or the probe's own. */
const measuredSample = (cell: RulerCellKey) => (PER_PROBE.has(cell.task) ? cell.sample : 0);

/** The measured sample at the run line's proxy budget; at half of it when the endpoint finds that too long. */
async function measureCell(where: RulerCell, run: Calibrated, deps: EndpointNeedleDeps): Promise<CellSample | null> {
  const make = await rulerMaker(where.recipe, { ...where.cell, sample: measuredSample(where.cell) }, where.context);
  const proxyBudget = calibratedProxyBudget(budgetOf(where.cell), run);
  return (await measure(make, proxyBudget, deps)) ?? (await measure(make, Math.floor(proxyBudget / 2), deps));
}

/** A sample a sibling probe of the cell stored already, if any (none for tasks measured per probe). */
async function storedSample(d1: D1Database, where: RulerCell, suiteIndex: number): Promise<CellSample | null> {
  if (PER_PROBE.has(where.cell.task)) return null;
  const task = where.recipe.tasks.indexOf(where.cell.task);
  const items: [number, number] = [task * where.recipe.samples, (task + 1) * where.recipe.samples - 1];
  const builds = await cellBuilds(d1, where.runId, { suiteIndex, contextLength: where.cell.contextLength, items });
  for (const build of builds) if (isRulerEndpointBuild(build) && build.cell_sample) return build.cell_sample;
  return null;
}

// Per isolate: measurements in flight or made, by run, suite, task and length.
const measured = new Map<string, Promise<CellSample | null>>();
const MEASURED_LIMIT = 4096;

function cellSample(d1: D1Database, where: RulerCell, run: Calibrated, deps: EndpointNeedleDeps): Promise<CellSample | null> {
  const key = [where.runId, where.recipe.index, where.cell.task, where.cell.contextLength, measuredSample(where.cell)].join("|");
  let pending = measured.get(key);
  if (!pending) {
    if (measured.size >= MEASURED_LIMIT) measured.clear();
    pending = storedSample(d1, where, where.recipe.index).then((stored) => stored ?? measureCell(where, run, deps));
    measured.set(key, pending);
    pending.catch(() => measured.delete(key));
  }
  return pending;
}

/** Calibrated mode: the budget mapped through the cell's measured ratio (the run's line where nothing was measured). */
export async function calibratedRulerProbeBuild(d1: D1Database, where: RulerCell, run: Calibrated, make: RulerMaker, deps: EndpointNeedleDeps): Promise<RulerEndpointBuild> {
  const sample = await cellSample(d1, where, run, deps);
  const line = cellCalibration(run, sample);
  const proxyBudget = calibratedProxyBudget(budgetOf(where.cell), line);
  return calibratedRulerBuild(proxyBudget, make(proxyBudget).tokens, line, sample);
}
