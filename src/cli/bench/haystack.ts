// haystack_build — per built-in tokenizer: tokenizing the whole `sotu` corpus cold, and building a
// 128K-token needle probe from the cached haystack vs the paper's naive path, which encodes the
// whole corpus for every probe (moved here from test/unit/needle/haystack.test.ts, same inputs).
import { loadBuiltinCorpus } from "../../probes/corpora";
import { buildNeedleProbe, FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE, PAPER_DEPTH_PERCENTS } from "../../probes/needle";
import { clearHaystackCache, rememberHaystack, tokenizeHaystack, type Haystack } from "../../probes/needle/haystack";
import { naiveBuildNeedleHaystack } from "../../probes/needle/naive";
import { TOKENIZER_NAMES, loadTokenizer, type Tokenizer, type TokenizerName } from "../../probes/tokenizers";
import type { Corpus } from "../../probes/types";
import { elapsedMs, median, round } from "./stats";

const CONTEXT_LENGTH = 128_000;
/** Builds per tokenizer, cycling through the paper's depths. */
const FAST_RUNS = 41;
/** The naive path takes ~10 s per probe in the SentencePiece ports: three runs only where the README quotes it. */
const naiveRuns = (name: TokenizerName) => (name === "cl100k_base" || name === "llama2" ? 3 : 1);

function coldTokenize(tokenizer: Tokenizer, corpus: Corpus, runs: number): { haystack: Haystack; ms: number } {
  let haystack: Haystack | undefined;
  const ms = median(Array.from({ length: runs }, () => elapsedMs(() => (haystack = tokenizeHaystack(tokenizer, corpus)))));
  return { haystack: haystack!, ms };
}

/** p50 of buildNeedleProbe alone, and of a second build whose prompt is then read (flattening the V8 rope, as sending it would). */
function fastBuilds(name: TokenizerName, corpus: Corpus): { ms: number; flattenedMs: number } {
  const fast: number[] = [];
  const flattened: number[] = [];
  for (let run = 0; run < FAST_RUNS; run++) {
    const spec = { tokenizer: name, contextLength: CONTEXT_LENGTH, depthPercent: PAPER_DEPTH_PERCENTS[run % PAPER_DEPTH_PERCENTS.length]!, api: "completions" as const };
    fast.push(elapsedMs(() => buildNeedleProbe(spec, corpus)));
    flattened.push(
      elapsedMs(() => {
        const { prompt } = buildNeedleProbe(spec, corpus);
        if (prompt.api === "completions") prompt.prompt.charCodeAt(1);
      }),
    );
  }
  return { ms: median(fast), flattenedMs: median(flattened) };
}

async function haystackRow(name: TokenizerName, corpus: Corpus, tokenizeRuns: number) {
  const tokenizer = await loadTokenizer(name);
  const cold = coldTokenize(tokenizer, corpus, tokenizeRuns);
  rememberHaystack(cold.haystack); // the probes below build from a warm cache, as a busy isolate does
  const { ms, flattenedMs } = fastBuilds(name, corpus);
  const runs = naiveRuns(name);
  const naiveMs = median(
    Array.from({ length: runs }, () =>
      elapsedMs(() => naiveBuildNeedleHaystack(tokenizer, corpus.text, { contextLength: CONTEXT_LENGTH, depthPercent: 50, needle: NEEDLE, bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER })),
    ),
  );
  return {
    tokenizer: name,
    corpus_tokens: cold.haystack.ids.length,
    tokenize_ms_p50: round(cold.ms, 0),
    tokenize_runs: tokenizeRuns,
    context_tokens: CONTEXT_LENGTH,
    ms_p50: round(ms, 3),
    flattened_ms_p50: round(flattenedMs, 3),
    runs: FAST_RUNS,
    naive_ms_p50: round(naiveMs, 0),
    naive_runs: runs,
    speedup: round(naiveMs / flattenedMs, 0),
  };
}

export async function haystackBuild(tokenizeRuns = 3) {
  console.error(`haystack_build: tokenizing sotu (${tokenizeRuns}×) and building 128K-token probes fast vs naive, in ${TOKENIZER_NAMES.length} tokenizers (about two minutes)…`);
  const corpus = await loadBuiltinCorpus("sotu");
  const rows = [];
  for (const name of TOKENIZER_NAMES) rows.push(await haystackRow(name, corpus, tokenizeRuns));
  // Sections after this one expect a cold cache (prompt_build times the first tokenization).
  clearHaystackCache();
  return rows;
}
