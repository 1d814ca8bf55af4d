// A suite is the evaluation unit (in inspect_ai's terms: dataset + solver + scorer):
// it resolves a submitted spec into a frozen recipe, enumerates its probes, rebuilds any probe's
// prompt deterministically from the recipe, and scores a response. Pure: no Cloudflare imports.
import type { BoundaryStore } from "../needle/boundary-cache";
import type { EndpointBuild } from "../needle/endpoint-build";
import type { Api, BuiltPrompt, Corpus, ModelTokenizer, ProbeScores } from "../types";
import { bookQaSuite, type BookQaRecipe, type BookQaSpec, type LoadedBookQaDataset } from "./bookqa";
import { needleSuite, type NeedleRecipe, type NeedleSpec } from "./needle";

export type SuiteRecipe = NeedleRecipe | BookQaRecipe;

/** What planning needs from the model being evaluated. */
export interface ModelTraits {
  api: Api;
  tokenizer: ModelTokenizer;
  contextWindow: number;
}

/** What suites may ask of the service around them (storage stays outside the probe science). */
export interface SuiteContext {
  /** A built-in or uploaded corpus by id; null when there is none. */
  loadCorpus(id: string): Promise<Corpus | null>;
  /** A built-in or imported book QA dataset with its first `limit` questions; null when there is none. */
  loadBookQaDataset(id: string, limit?: number): Promise<LoadedBookQaDataset | null>;
  /** A book's text by the reference its questions carry; null when it is gone. */
  loadBook(ref: string): Promise<string | null>;
  /** Persistent storage of haystack tokenizations (R2 in the Worker); absent = per-isolate memory only. */
  boundaryStore?: BoundaryStore | null;
}

/** One cell of a suite's plan; its position in the run is its `idx`. */
export interface ProbePoint {
  suiteIndex: number;
  suiteType: SuiteRecipe["type"];
  contextLength: number | null;
  depthPercent: number | null;
  /** Dataset suites: the item's position in the recipe's frozen item list. */
  item: number | null;
  /** Needle probes counted in the endpoint's tokenizer: the cuts fixed by the probe's first build (probes.build_json). */
  build?: EndpointBuild | null;
}

export interface BuiltProbe {
  prompt: BuiltPrompt;
  /** Tokens of the context as built (haystack + needle for needle probes). */
  constructedTokens: number;
  /** Tokens the whole prompt has in the suite's tokenizer, template included. */
  expectedPromptTokens: number;
  maxTokens: number;
}

/**
 * Whether an endpoint's usage.prompt_tokens disagrees with ours by more than 1 %: a sign the run's
 * tokenizer is not the model's, so lengths are not what they claim. Servers may add a BOS token,
 * and chat servers add their chat template (a few tokens per message), which is allowed for.
 */
export function tokenCountMismatch(prompt: BuiltPrompt, expected: number, reported: number | null): boolean {
  if (reported === null) return false;
  const framing = prompt.api === "chat" ? 1 + 8 * prompt.messages.length : 1;
  const difference = reported - expected;
  return difference > Math.max(0.01 * expected, framing) || difference < -0.01 * expected;
}

// In its own module so that suites can import it without a cycle back into this one.
export { SuiteSpecError } from "./spec-error";

export interface SuiteDefinition<Spec, Recipe extends { type: string }> {
  type: Recipe["type"];
  /** Metric names, the headline metric first. */
  metrics: readonly string[];
  /** Freezes a spec into a recipe; throws SuiteSpecError for a bad spec. */
  resolve(spec: Spec, model: ModelTraits, index: number, context: SuiteContext): Promise<Recipe>;
  plan(recipe: Recipe): ProbePoint[];
  /** Estimated prompt tokens of these probes (dry runs), without building them. */
  estimatePromptTokens(recipe: Recipe, points: ProbePoint[]): Promise<number>;
  /** max_tokens the probe asks for (for cost estimates without building prompts). */
  maxTokens(recipe: Recipe, point: ProbePoint): number;
  /** Rebuilds a probe's exact prompt; deterministic for a recipe and a point. */
  build(recipe: Recipe, point: ProbePoint, context: SuiteContext): Promise<BuiltProbe>;
  score(recipe: Recipe, point: ProbePoint, response: string): ProbeScores;
}

/** Any suite, as code that picks one by a spec's or recipe's run-time `type` sees it. */
type DispatchedSuite = SuiteDefinition<NeedleSpec | BookQaSpec, SuiteRecipe>;

// Each entry keeps its precise type (SUITES.needle.plan takes a NeedleRecipe); the intersection adds
// a signature taking any spec or recipe, so `SUITES[spec.type].resolve(spec, …)` typechecks although
// TypeScript cannot correlate the union of keys with the union of specs.
export const SUITES = { needle: needleSuite, bookqa: bookQaSuite } as const as { needle: typeof needleSuite; bookqa: typeof bookQaSuite } & Record<
  SuiteRecipe["type"],
  DispatchedSuite
>;

export function suiteOf(recipe: SuiteRecipe) {
  return SUITES[recipe.type];
}
