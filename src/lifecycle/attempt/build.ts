// Step 2 of an attempt: the probe's exact prompt, rebuilt from the run's recipe (for a needle or
// RULER suite counted in the endpoint's tokens, after fixing its cuts or proxy budget through the
// endpoint) and fingerprinted.
// A probe that cannot be built, or whose endpoint key does not open, is settled without a call.
import type { OpenedKey } from "../../accounts/secrets";
import { r2BoundaryStore } from "../../catalog/boundary-store";
import { loadCorpus, suiteContext } from "../../catalog/corpora";
import { WindowTooSmallError } from "../../probes/bookqa/truncate";
import { LossTextError } from "../../probes/loss/text";
import { NeedlePlacementError } from "../../probes/needle/haystack";
import { promptSha256 } from "../../probes/prompt-hash";
import { FitError } from "../../probes/ruler/fit";
import { SuiteSpecError, suiteOf, type BuiltProbe, type ProbePoint, type SuiteRecipe } from "../../probes/suites";
import { withOutputBudget } from "../../probes/suites/output-budget";
import { PieceAlignmentError } from "../../probes/tokenizers/pieces";
import { replyCaps } from "../endpoint/bounded-body";
import { prepareEndpointPoint } from "../endpoint/needle";
import { prepareRulerEndpointPoint } from "../endpoint/ruler";
import { tokenizationPlan, type EndpointNeedleDeps } from "../endpoint/tokenization";
import { TokenizeCallError } from "../endpoint/tokenize-route";
import type { ReleaseOutcome } from "../limiter/limiter";
import type { BegunProbe, Settlement } from "../store/attempts";
import type { RunContext } from "./job";

/**
 * Attempts a probe may use, whichever messages carried them (a probe run inline or woken by the
 * limiter arrives in a fresh message): max_retries + 1 of the probe queue in wrangler.toml.
 */
export const PROBE_MAX_ATTEMPTS = 9;

/** A way out of an attempt before its call: settle the probe now, or try again later. */
export type Detour =
  | { kind: "settle"; settlement: Settlement }
  | { kind: "retry"; release: ReleaseOutcome; retryAfterS: number | null; reason: string };

export type BuildResult = { kind: "built"; built: BuiltProbe; promptSha256: string; apiKey: string | null } | Detour;

export async function buildPrompt(env: Env, context: RunContext, begun: BegunProbe, key: OpenedKey, attempt: number): Promise<BuildResult> {
  const recipe = context.recipes.find((r) => r.index === begun.point.suiteIndex);
  if (!recipe) throw new Error(`run ${context.run.id} has no suite ${begun.point.suiteIndex}`);
  const endpointTokenized = (recipe.type === "needle" || recipe.type === "ruler") && recipe.tokenizer === "endpoint";
  // The key is opened for this run's calls only; a key that cannot be opened fails the probe, never retried.
  if (!key.ok && endpointTokenized) return { kind: "settle", settlement: { status: "failed", error: key.reason } }; // its build needs the endpoint
  let built: BuiltProbe;
  try {
    const point = endpointTokenized && key.ok ? await endpointPoint(env, context, begun, recipe, key.apiKey) : begun.point;
    // The model's max_output_tokens is the budget of every generating call, and of its usage checks.
    built = withOutputBudget(await suiteOf(recipe).build(recipe as never, point, suiteContext(env, context.owner)), context.model.max_output_tokens);
  } catch (error) {
    if (error instanceof TokenizeCallError && error.throttle && attempt < PROBE_MAX_ATTEMPTS) {
      // The endpoint throttled its tokenize route (or a calibration call): handled like a throttled completion.
      return { kind: "retry", release: { kind: "throttled", retryAfterS: error.throttle.retryAfterS }, retryAfterS: error.throttle.retryAfterS, reason: error.message };
    }
    if (!isPermanentBuildError(error)) throw error;
    // The probe science refuses this cell (e.g. no sentence end before a small depth): retrying
    // cannot help, and no endpoint was asked. Settle it now, with the reason.
    return { kind: "settle", settlement: { status: "unscorable", error: `the prompt cannot be built: ${(error as Error).message}` } };
  }
  const sha = await promptSha256(built.prompt);
  if (!key.ok) return { kind: "settle", settlement: { status: "failed", error: key.reason, promptSha256: sha } };
  return { kind: "built", built, promptSha256: sha, apiKey: key.apiKey };
}

/**
 * Counted in the endpoint's own tokenizer: fix (or reuse) the probe's cuts (needle) or proxy budget
 * (RULER) first. These calls go to the same endpoint under the permit this probe holds, with its
 * key and timeout.
 */
async function endpointPoint(env: Env, context: RunContext, begun: BegunProbe, recipe: SuiteRecipe, apiKey: string | null): Promise<ProbePoint> {
  const { model, fetcher, guard } = context;
  if (recipe.type !== "needle" && recipe.type !== "ruler") throw new Error(`${recipe.type} suites are not counted in the endpoint's tokenizer`);
  const corpus = await loadCorpus(env, recipe.corpus, context.owner);
  if (!corpus) throw new Error(`corpus ${recipe.corpus} of this run no longer exists`);
  const deps: EndpointNeedleDeps = {
    fetcher,
    checkUrl: guard ? async (url) => {
      const verdict = await guard.check(url);
      return verdict.ok ? null : verdict.reason;
    } : undefined,
    target: { baseUrl: model.base_url, model: model.model, apiKey, timeoutMs: model.request_timeout_s * 1000, ...replyCaps(env) },
    store: r2BoundaryStore(env.BLOBS),
    contextWindow: model.context_window,
  };
  const probe = { run: context.run, idx: begun.idx, point: begun.point, corpus, plan: tokenizationPlan(context.recipes) };
  if (recipe.type === "ruler") return prepareRulerEndpointPoint(env.DB, { ...probe, recipe, context: suiteContext(env, context.owner) }, deps);
  return prepareEndpointPoint(env.DB, { ...probe, recipe }, deps);
}

/** Errors of the probe science that the same probe will raise on every attempt. */
function isPermanentBuildError(error: unknown): boolean {
  // (TokenizeCallError, an endpoint's tokenize route failing transiently, is not: it is retried.)
  if (error instanceof TokenizeCallError) return false;
  return (
    error instanceof NeedlePlacementError || error instanceof WindowTooSmallError || error instanceof SuiteSpecError || error instanceof PieceAlignmentError || error instanceof LossTextError ||
    error instanceof FitError
  );
}

