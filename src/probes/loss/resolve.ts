// Checking a loss spec against the model and the corpora, every problem at once: the lengths, the
// tokenizer, each domain's existence and length in the run's tokenizer.
import { isBuiltinCorpusId } from "../corpora";
import { prepareNeedleProbes } from "../needle/build";
import { getHaystack } from "../needle/haystack";
import { SuiteSpecError, type SpecIssue } from "../suites/spec-error";
import type { ModelTraits, SuiteContext } from "../suites/suite";
import { getTokenizer } from "../tokenizers";
import type { Corpus, TokenizerName } from "../types";

/** The paper's Figure 3/4 lengths (1K, 4K, 16K, 32K, 64K, 128K) that fit the window. */
export const DEFAULT_LOSS_LENGTHS: readonly number[] = [1000, 4000, 16000, 32000, 64000, 128000];
/** Shorter texts say little about long context and leave the position curve one bucket. */
export const MIN_LOSS_LENGTH = 16;

export function defaultLossLengths(contextWindow: number): number[] {
  const fitting = DEFAULT_LOSS_LENGTHS.filter((length) => length <= contextWindow);
  return fitting.length ? fitting : [contextWindow];
}

function lengthIssues(lengths: readonly number[], given: boolean, contextWindow: number): SpecIssue[] {
  const issues: SpecIssue[] = [];
  lengths.forEach((length, i) => {
    const path = given ? ["context_lengths", i] : [];
    if (length < MIN_LOSS_LENGTH) issues.push({ path, detail: `${length} is below this suite's minimum ${MIN_LOSS_LENGTH}` });
    if (length > contextWindow) issues.push({ path, detail: `${length} is above the model's context_window ${contextWindow}` });
  });
  return issues;
}

async function domainLengthIssue(tokenizer: TokenizerName, corpus: Corpus, longest: number, index: number, context: SuiteContext): Promise<SpecIssue | null> {
  // Built-in domains hold 131,072 tokens in every tokenizer (tested); an uploaded one is measured.
  if (isBuiltinCorpusId(corpus.id)) return null;
  await prepareNeedleProbes(tokenizer, corpus, context.boundaryStore);
  const available = getHaystack(getTokenizer(tokenizer), corpus).ids.length;
  return available < longest + 32 ? { path: ["domains", index], detail: `corpus "${corpus.id}" has ${available} ${tokenizer} tokens; the longest context length asks for ${longest}` } : null;
}

/** The domains' corpora and the lengths of a valid spec; SuiteSpecError naming every bad field otherwise. */
export async function resolveLossSpec(
  spec: { domains: string[]; context_lengths?: number[] },
  model: ModelTraits,
  context: SuiteContext,
): Promise<{ corpora: Corpus[]; lengths: number[] }> {
  const asked = spec.context_lengths ?? defaultLossLengths(model.contextWindow);
  const issues = lengthIssues(asked, spec.context_lengths !== undefined, model.contextWindow);
  const lengths = [...new Set(asked)].sort((a, b) => a - b);
  if (model.tokenizer === "endpoint") issues.push({ path: [], detail: 'tokenizer "endpoint" is not supported for loss runs: give them a local tokenizer (cl100k_base, llama3, …) so texts are exactly L tokens' });
  const corpora = await Promise.all(spec.domains.map((id) => context.loadCorpus(id)));
  corpora.forEach((corpus, i) => {
    if (!corpus) issues.push({ path: ["domains", i], detail: `unknown domain "${spec.domains[i]}"; a domain is a corpus: see GET /v1/corpora for the built-in and uploaded ones` });
  });
  if (issues.length) throw SuiteSpecError.of(issues);
  const tokenizer = model.tokenizer as TokenizerName;
  const longest = Math.max(...lengths);
  const tooShort = await Promise.all(corpora.map((corpus, i) => domainLengthIssue(tokenizer, corpus!, longest, i, context)));
  const found = tooShort.filter((issue): issue is SpecIssue => issue !== null);
  if (found.length) throw SuiteSpecError.of(found);
  return { corpora: corpora as Corpus[], lengths };
}
