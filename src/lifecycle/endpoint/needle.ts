// Needle probes counted in the endpoint's own tokenizer (model.tokenizer = "endpoint"): the run's
// tokenization is decided once (./tokenization.ts), then each probe's cuts once (./route-build.ts),
// stored with the probe (probes.build_json; a redelivered probe reuses them). Rebuilding a prompt
// later (GET …/prompt, a retry) uses only the corpus and the stored cuts: the endpoint is not
// called again.
import { isEndpointBuild } from "../../probes/needle/endpoint-build";
import type { RunTokenization } from "../../probes/needle/endpoint-tokenization";
import type { ProbePoint } from "../../probes/suites";
import type { NeedleRecipe } from "../../probes/suites/needle";
import type { Corpus } from "../../probes/types";
import { keepBuild, storedBuild } from "../store/probes";
import { calibratedBuild, routeBuild } from "./route-build";
import { runTokenization, type EndpointNeedleDeps, type TokenizationPlan } from "./tokenization";

export type { EndpointNeedleDeps } from "./tokenization";

/** One probe of an endpoint-tokenized needle suite, with what its cuts are made from. */
export interface EndpointProbe {
  run: { id: string; tokenization: RunTokenization | null };
  idx: number;
  recipe: NeedleRecipe;
  point: ProbePoint;
  corpus: Corpus;
  /** The run's suites as its tokenization decision reads them (./tokenization.ts tokenizationPlan). */
  plan: TokenizationPlan;
}

/**
 * The probe's cuts: stored by an earlier delivery, or fixed now (calling the endpoint) and stored.
 * Returns the point with `build` set, ready for the needle suite's build().
 */
export async function prepareEndpointPoint(d1: D1Database, probe: EndpointProbe, deps: EndpointNeedleDeps): Promise<ProbePoint> {
  const { run, idx, recipe, point, corpus } = probe;
  if (isEndpointBuild(point.build)) return point;
  const stored = await storedBuild(d1, run.id, idx);
  if (stored) return { ...point, build: stored };
  if (point.contextLength === null || point.depthPercent === null) throw new Error("needle probe without length/depth");
  const cell = { contextLength: point.contextLength, depthPercent: point.depthPercent };
  const tokenization = await runTokenization(d1, run, probe.plan, corpus, deps);
  const build = tokenization.mode === "route" ? await routeBuild(tokenization, recipe, cell, corpus, deps) : await calibratedBuild(tokenization, recipe, cell, corpus, deps.store);
  return { ...point, build: await keepBuild(d1, run.id, idx, build) };
}
