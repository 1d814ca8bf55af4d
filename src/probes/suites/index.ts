// The registry of suites. Adding a suite type: write its module (spec schema, recipe, plan, build,
// score, aggregate: see ./suite.ts), then add it to SUITES and to SuiteSpec below.
import { z } from "zod";
import { bookQaSuite, BookQaSpec, type BookQaRecipe } from "./bookqa";
import { needleSuite, NeedleSpec, type NeedleRecipe } from "./needle";
import { lossSuite, LossSpec, type LossRecipe } from "./loss";
import { mmluSuite, MmluSpec, type MmluRecipe } from "./mmlu";
import { nonliteralSuite, NonliteralSpec, type NonliteralRecipe } from "./nonliteral";
import { rulerSuite, RulerSpec, type RulerRecipe } from "./ruler";
import type { SuiteDefinition } from "./suite";

export type SuiteRecipe = NeedleRecipe | BookQaRecipe | NonliteralRecipe | LossRecipe | MmluRecipe | RulerRecipe;

/** A submitted suite: one of the suites' own spec schemas, told apart by `type`. */
export const SuiteSpec = z.discriminatedUnion("type", [NeedleSpec, BookQaSpec, NonliteralSpec, LossSpec, MmluSpec, RulerSpec]).meta({ id: "SuiteSpec" });
export type SuiteSpec = z.infer<typeof SuiteSpec>;

/** Any suite, as code that picks one by a spec's or recipe's run-time `type` sees it. */
type DispatchedSuite = SuiteDefinition<SuiteSpec, SuiteRecipe>;

// Each entry keeps its precise type (SUITES.needle.plan takes a NeedleRecipe); the intersection adds
// a signature taking any spec or recipe, so `SUITES[spec.type].resolve(spec, …)` typechecks although
// TypeScript cannot correlate the union of keys with the union of specs.
export const SUITES = { needle: needleSuite, bookqa: bookQaSuite, nonliteral: nonliteralSuite, loss: lossSuite, mmlu: mmluSuite, ruler: rulerSuite } as const as {
  needle: typeof needleSuite;
  bookqa: typeof bookQaSuite;
  nonliteral: typeof nonliteralSuite;
  loss: typeof lossSuite;
  mmlu: typeof mmluSuite;
  ruler: typeof rulerSuite;
} & Record<
  SuiteRecipe["type"],
  DispatchedSuite
>;

export function suiteOf(recipe: SuiteRecipe) {
  return SUITES[recipe.type];
}

export type { BuiltProbe, ModelTraits, ProbePoint, ProbeReply, SuiteContext, SuiteDefinition } from "./suite";
export { tokenCountMismatch } from "./suite";
export { SuiteSpecError } from "./spec-error";
