// Checking a non-literal spec against the model and the corpora, every problem at once: the grid
// (the needle suite's machinery with this suite's defaults), the tokenizer, the corpus and its length.
import { isBuiltinCorpusId } from "../corpora";
import { getHaystack } from "../needle/haystack";
import { GridError, QUICK_DEPTH_PERCENTS, resolveNeedleGrid, type NeedleGrid, type NeedleGridPreset } from "../needle/grid";
import { SuiteSpecError, type SpecIssue } from "../suites/spec-error";
import type { ModelTraits, SuiteContext } from "../suites/suite";
import { getTokenizer } from "../tokenizers";
import type { Corpus, TokenizerName } from "../types";
import { haystackCorpus, prepareNonliteralProbes, type HaystackOrder } from "./probe";
import { BUFFER_TOKENS } from "./template";

/** Room for the 200-token buffer, a needle and four distractors, and some haystack around them. */
export const MIN_NONLITERAL_LENGTH = 500;

/** NoLiMa's lengths 1K–32K, then on, doubling, while they fit the window (128K at most). */
export const DEFAULT_LENGTHS: readonly number[] = [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000];

interface GridSpec {
  preset?: NeedleGridPreset;
  context_lengths?: number[];
  depth_percents?: number[];
  corpus: string;
  haystack_order: HaystackOrder;
  seed: number;
}

export function defaultLengths(contextWindow: number): number[] {
  const fitting = DEFAULT_LENGTHS.filter((length) => length <= contextWindow);
  return fitting.length ? fitting : [contextWindow];
}

function gridIssues(spec: GridSpec, model: ModelTraits, issues: SpecIssue[]): NeedleGrid | undefined {
  const replyTokens = model.maxOutputTokens ?? 0;
  const request = {
    preset: spec.preset,
    context_lengths: spec.context_lengths ?? (spec.preset ? undefined : defaultLengths(model.contextWindow - replyTokens)),
    depth_percents: spec.depth_percents ?? (spec.preset ? undefined : [...QUICK_DEPTH_PERCENTS]),
  };
  // Checked on the request, so a length past the window (a grid error) does not hide a short one.
  (request.context_lengths ?? []).forEach((length, i) => {
    if (length < MIN_NONLITERAL_LENGTH) issues.push({ path: ["context_lengths", i], detail: `${length} is below this suite's minimum ${MIN_NONLITERAL_LENGTH} (the ${BUFFER_TOKENS}-token buffer, a needle, four distractors and some haystack)` });
  });
  try {
    return resolveNeedleGrid(request, model.contextWindow, replyTokens);
  } catch (error) {
    if (!(error instanceof GridError)) throw error;
    for (const issue of error.issues) issues.push({ path: issue.field.split("/").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), detail: issue.detail });
    return undefined;
  }
}

/** The corpus and grid of a valid spec; SuiteSpecError naming every bad field otherwise. */
export async function resolveNonliteralGrid(spec: GridSpec, model: ModelTraits, context: SuiteContext): Promise<{ corpus: Corpus; grid: NeedleGrid }> {
  const issues: SpecIssue[] = [];
  if (model.tokenizer === "endpoint") {
    issues.push({ path: [], detail: 'tokenizer "endpoint" is supported for needle and RULER suites only; give non-literal runs a local tokenizer (cl100k_base, llama3, …)' });
  }
  const corpus = await context.loadCorpus(spec.corpus);
  if (!corpus) issues.push({ path: ["corpus"], detail: `unknown corpus "${spec.corpus}"; see GET /v1/corpora for the built-in and uploaded ones` });
  const grid = gridIssues(spec, model, issues);
  if (issues.length || !corpus || !grid) throw SuiteSpecError.of(issues);
  const tokenizer = model.tokenizer as TokenizerName;
  // Built-in corpora are long enough for 128K in every tokenizer (tested), shuffled or not; an uploaded one is checked.
  if (!isBuiltinCorpusId(corpus.id)) await checkCorpusLength({ ...spec, tokenizer }, corpus, Math.max(...grid.contextLengths), context);
  return { corpus, grid };
}

async function checkCorpusLength(plan: { tokenizer: TokenizerName; haystack_order: HaystackOrder; seed: number }, corpus: Corpus, longest: number, context: SuiteContext): Promise<void> {
  let available: number;
  try {
    await prepareNonliteralProbes(plan, corpus, context.boundaryStore);
    available = getHaystack(getTokenizer(plan.tokenizer), haystackCorpus(plan, corpus)).ids.length;
  } catch (error) {
    throw new SuiteSpecError(["corpus"], `corpus "${corpus.id}" cannot be used with ${plan.tokenizer}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (available < longest) throw new SuiteSpecError(["corpus"], `corpus "${corpus.id}" has ${available} ${plan.tokenizer} tokens; the longest context length asks for ${longest}`);
}
