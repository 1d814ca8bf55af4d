// RULER probes counted in the endpoint's own tokenizer (model.tokenizer = "endpoint"). A prompt is
// generated in the proxy tokenizer (cl100k_base) at a proxy budget; the run's tokenization
// (./tokenization.ts, decided once) says how that budget is found, once per probe, and the probe
// stores it (probes.build_json; a redelivered probe reuses it):
//  - route: whole prompts are counted through the tokenize route, and the proxy budget searched
//    (../../probes/ruler/endpoint-fit.ts) for the largest whose prompt the endpoint counts within
//    L − tokens_to_generate — within 1 % of it, exact counts;
//  - calibrated: the budget mapped through a ratio measured on the probe's (task, length) cell
//    (./ruler-calibration.ts); approximate.
// Rebuilding a prompt later (GET …/prompt, a retry) regenerates it at the stored proxy budget: the
// endpoint is not called again.
import { isRulerEndpointBuild, routeRulerBuild, searchProxyBudget, type RulerEndpointBuild } from "../../probes/ruler/endpoint-fit";
import { budgetOf } from "../../probes/ruler/probe";
import type { RunTokenization } from "../../probes/needle/endpoint-tokenization";
import type { ProbePoint, SuiteContext } from "../../probes/suites";
import { rulerCellOf, rulerMaker, type RulerMaker, type RulerRecipe } from "../../probes/suites/ruler-build";
import type { BuiltPrompt, Corpus } from "../../probes/types";
import { keepBuild, storedBuild } from "../store/probes";
import { calibratedRulerProbeBuild } from "./ruler-calibration";
import { runTokenization, type EndpointNeedleDeps, type RouteTokenization, type TokenizationPlan } from "./tokenization";
import { countVia } from "./tokenize-route";

/** One probe of an endpoint-tokenized RULER suite, with what its prompt is made from. */
export interface EndpointRulerProbe {
  run: { id: string; tokenization: RunTokenization | null };
  idx: number;
  recipe: RulerRecipe;
  point: ProbePoint;
  /** The recipe's corpus as uploaded or built in (not the essay's normalised text): a first probe decides the run's tokenization on it. */
  corpus: Corpus;
  plan: TokenizationPlan;
  /** Loads the essay corpus or qa dataset the prompt is made from. */
  context: SuiteContext;
}

/** The text the endpoint counts: the completions prompt, or the chat request's one user message. */
function promptText(prompt: BuiltPrompt): string {
  return prompt.api === "chat" ? prompt.messages.map((m) => m.content).join("") : prompt.prompt;
}

/**
 * Route mode: the proxy budget searched from the budget itself (the endpoint's first count gives
 * the ratio), each candidate's whole prompt counted through the route once.
 */
async function routeSearch(tokenization: RouteTokenization, make: RulerMaker, budget: number, deps: EndpointNeedleDeps): Promise<RulerEndpointBuild> {
  const proxyTokens = new Map<number, number>();
  const fit = await searchProxyBudget({
    budget,
    start: budget,
    countAt: async (proxyBudget) => {
      const probe = make(proxyBudget);
      proxyTokens.set(proxyBudget, probe.tokens);
      return { proxyTokens: probe.tokens, endpointTokens: await countVia(tokenization.route, deps.target, promptText(probe.prompt), deps) };
    },
  });
  return routeRulerBuild(fit, proxyTokens.get(fit.proxyBudget)!);
}

/**
 * The probe's proxy budget: stored by an earlier delivery, or fixed now (calling the endpoint in
 * route mode) and stored. Returns the point with `build` set, ready for the RULER suite's build().
 */
export async function prepareRulerEndpointPoint(d1: D1Database, probe: EndpointRulerProbe, deps: EndpointNeedleDeps): Promise<ProbePoint> {
  const { run, idx, recipe, point } = probe;
  if (isRulerEndpointBuild(point.build)) return point;
  const stored = await storedBuild(d1, run.id, idx);
  if (stored) return { ...point, build: stored };
  const cell = rulerCellOf(recipe, point);
  const tokenization = await runTokenization(d1, run, probe.plan, probe.corpus, deps);
  const make = await rulerMaker(recipe, cell, probe.context);
  const build =
    tokenization.mode === "route"
      ? await routeSearch(tokenization, make, budgetOf(cell), deps)
      : await calibratedRulerProbeBuild(d1, { runId: run.id, recipe, cell, context: probe.context }, tokenization, make, deps);
  return { ...point, build: await keepBuild(d1, run.id, idx, build) };
}
