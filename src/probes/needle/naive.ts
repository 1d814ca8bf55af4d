// The straightforward construction, step by step as the paper's script does it (encode the whole
// corpus, trim, decode, re-encode, insert, decode). Used as the reference for the fast path in
// tests and benchmarks; far too slow to build probes with (it tokenizes the corpus every time).
import type { Tokenizer } from "../types";
import { isSentenceEndToken, planNeedlePlacement } from "./haystack";

export interface NaiveNeedleOptions {
  contextLength: number;
  depthPercent: number;
  needle: string;
  bufferTokens: number;
}

export interface NaiveNeedleHaystack {
  text: string;
  constructedTokens: number;
  needleTokenIndex: number;
}

/**
 * `corpusIds` defaults to encode(corpusText), as in the paper; a sweep over many cells of one
 * tokenizer (tests, benchmarks) may pass it once to skip re-encoding the whole corpus per cell.
 */
export function naiveBuildNeedleHaystack(
  tokenizer: Tokenizer,
  corpusText: string,
  options: NaiveNeedleOptions,
  corpusIds: readonly number[] = tokenizer.encode(corpusText),
): NaiveNeedleHaystack {
  const { contextLength, depthPercent, needle, bufferTokens } = options;
  // encode_and_trim: decode the first L tokens when the corpus is longer.
  const trimmed = corpusIds.length > contextLength ? tokenizer.decode(corpusIds.slice(0, contextLength)) : corpusText;
  // insert_needle tokenizes the trimmed context and the needle again.
  const context = tokenizer.encode(trimmed);
  const needleIds = tokenizer.encode(needle);
  const { contextTokens, insertionPoint } = planNeedlePlacement({
    corpusTokens: context.length,
    needleTokens: needleIds.length,
    contextLength,
    depthPercent,
    bufferTokens,
    isSentenceEndAt: (index) => isSentenceEndToken(tokenizer, context[index]!),
  });
  const ids = [...context.slice(0, insertionPoint), ...needleIds, ...context.slice(insertionPoint, contextTokens)];
  return { text: tokenizer.decode(ids), constructedTokens: ids.length, needleTokenIndex: insertionPoint };
}
