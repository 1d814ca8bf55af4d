// Plan: turn a validated submission into frozen suite recipes and one probe point per cell.
// Problems found here are reported against the request field at fault.
import { DomainError, invalid, pointerOf, type FieldIssue } from "../common/errors";
import type { CreateRunRequest } from "../contract/run-request";
import { SUITES, SuiteSpecError, type ModelTraits, type ProbePoint, type SuiteContext, type SuiteRecipe } from "../probes/suites";
import { plannedOutputTokens } from "../probes/suites/output-budget";

export interface SuiteEstimate {
  index: number;
  type: string;
  probes: number;
  prompt_tokens: number;
  max_completion_tokens: number;
}

export interface RunPlan {
  recipes: SuiteRecipe[];
  points: ProbePoint[];
  estimates: SuiteEstimate[];
  promptTokens: number;
}

/** Freezes each suite's spec into its recipe; every bad field of every suite is reported at once. */
async function resolveSuites(request: CreateRunRequest, context: SuiteContext): Promise<SuiteRecipe[]> {
  const model: ModelTraits = { api: request.model.api, tokenizer: request.model.tokenizer, contextWindow: request.model.context_window, maxOutputTokens: request.model.max_output_tokens };
  const errors: FieldIssue[] = [];
  const recipes: SuiteRecipe[] = [];
  for (const [index, spec] of request.suites.entries()) {
    try {
      recipes.push(await SUITES[spec.type].resolve(spec, model, index, context));
    } catch (error) {
      if (!(error instanceof SuiteSpecError)) throw error;
      for (const issue of error.issues) errors.push({ pointer: pointerOf(["suites", index, ...issue.path]), detail: issue.detail, in: "body" });
    }
  }
  if (errors.length) throw invalid(errors, (n) => `${n} fields of the suites are invalid; see errors[]`);
  return recipes;
}

/** The context-length cap applies to what is tested (needle lengths, book QA windows), not to the declared window. */
function checkTestedLengths(recipes: SuiteRecipe[], points: ProbePoint[], maxContextLength: number): void {
  const tooLong: FieldIssue[] = recipes.flatMap((recipe) => {
    const longest = Math.max(0, ...points.filter((p) => p.suiteIndex === recipe.index).map((p) => p.contextLength ?? 0));
    return longest > maxContextLength
      ? [{ pointer: `/suites/${recipe.index}`, detail: `tests up to ${longest} tokens; this service allows at most ${maxContextLength} (MAX_CONTEXT_LENGTH)`, in: "body" as const }]
      : [];
  });
  if (tooLong.length) throw invalid(tooLong, (n) => `${n} suites test longer contexts than allowed; see errors[]`);
}

export async function planRun(request: CreateRunRequest, maxProbes: number, context: SuiteContext, maxContextLength = Infinity): Promise<RunPlan> {
  const recipes = await resolveSuites(request, context);
  const points: ProbePoint[] = [];
  const estimates: SuiteEstimate[] = [];
  for (const recipe of recipes) {
    const suite = SUITES[recipe.type];
    const mine = suite.plan(recipe);
    const promptTokens = await suite.estimatePromptTokens(recipe, mine);
    const maxCompletionTokens = mine.reduce((sum, point) => sum + plannedOutputTokens(recipe, suite.maxTokens(recipe, point), request.model.max_output_tokens), 0);
    points.push(...mine);
    estimates.push({ index: recipe.index, type: recipe.type, probes: mine.length, prompt_tokens: promptTokens, max_completion_tokens: maxCompletionTokens });
  }
  checkTestedLengths(recipes, points, maxContextLength);
  if (points.length > maxProbes) {
    // A suite with a `samples` count (RULER) that alone exceeds the cap names that field.
    const bySamples = estimates.filter((e) => e.probes > maxProbes && "samples" in (recipes[e.index] ?? {}));
    const field = bySamples.length
      ? { pointer: `/suites/${bySamples[0]!.index}/samples`, detail: `${bySamples[0]!.probes} probes (tasks × lengths × samples) exceed the cap of ${maxProbes}`, in: "body" as const }
      : { pointer: "/suites", detail: `${points.length} probes exceed the cap of ${maxProbes}`, in: "body" as const };
    throw new DomainError("invalid", "validation-failed", `the run would have ${points.length} probes; this service allows at most ${maxProbes} per run`, { fields: [field] });
  }
  return { recipes, points, estimates, promptTokens: estimates.reduce((s, e) => s + e.prompt_tokens, 0) };
}
