// In-process sections about the needle probes:
//   prompt_build   — p50 time to build a 128K-token needle prompt, fast path vs the paper's naive path
//   boundary_cache — a 128K-token haystack: tokenizing it cold vs loading its boundary-cache entry
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadBuiltinCorpus } from "../../probes/corpora";
import { buildNeedleProbe, FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE, prepareNeedleProbes } from "../../probes/needle";
import { clearLoadedHaystacks, decodeHaystack, encodeHaystack, loadHaystack, type BoundaryStore } from "../../probes/needle/boundary-cache";
import { tokenizeHaystack } from "../../probes/needle/haystack";
import { naiveBuildNeedleHaystack } from "../../probes/needle/naive";
import { loadTokenizer } from "../../probes/tokenizers";
import type { TokenizerName } from "../../probes/types";
import { elapsedMs, median, round } from "./stats";

export async function promptBuild(tokenizerName: TokenizerName, contextTokens: number, fastRuns: number, naiveRuns: number) {
  const corpus = await loadBuiltinCorpus("sotu");
  const tokenizer = await loadTokenizer(tokenizerName);
  const coldStart = performance.now();
  await prepareNeedleProbes(tokenizerName, corpus);
  const coldTokenizeMs = performance.now() - coldStart;
  const depths = Array.from({ length: fastRuns }, (_, i) => Math.round((100 * i) / Math.max(1, fastRuns - 1)));
  const fast = depths.map((depthPercent) =>
    elapsedMs(() => {
      const probe = buildNeedleProbe({ tokenizer: tokenizerName, contextLength: contextTokens, depthPercent, api: "completions" }, corpus);
      // Reading a character flattens the string, as sending it would: count that too.
      if (probe.prompt.api === "completions") probe.prompt.prompt.charCodeAt(probe.prompt.prompt.length >> 1);
    }),
  );
  const naive = Array.from({ length: naiveRuns }, (_, i) =>
    elapsedMs(() =>
      naiveBuildNeedleHaystack(tokenizer, corpus.text, { contextLength: contextTokens, depthPercent: (25 * (i + 1)) % 100, needle: NEEDLE, bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER }),
    ),
  );
  const ms = median(fast);
  const naiveMs = median(naive);
  return { tokenizer: tokenizerName, context_tokens: contextTokens, ms_p50: round(ms, 3), naive_ms_p50: round(naiveMs, 1), speedup: round(naiveMs / ms, 1), cold_tokenize_ms: round(coldTokenizeMs, 0) };
}

/** A BoundaryStore over a directory of files, standing in for R2. */
function directoryStore(dir: string): BoundaryStore {
  const path = (key: string) => join(dir, encodeURIComponent(key));
  return {
    get: async (key) => (existsSync(path(key)) ? new Uint8Array(readFileSync(path(key))) : null),
    put: async (key, bytes) => writeFileSync(path(key), bytes),
  };
}

/**
 * The boundary cache (src/probes/needle/boundary-cache.ts) for a 128K-token haystack: a cold
 * isolate tokenizing the corpus prefix vs one loading the cached entry. The store here is a
 * directory of files (R2 in the Worker adds its own round trip, typically a few ms in-region);
 * load_ms is read + decode, as loadHaystack does it.
 */
export async function boundaryCache(tokenizerName: TokenizerName, contextTokens: number, runs: number) {
  const corpus = await loadBuiltinCorpus("sotu");
  const tokenizer = await loadTokenizer(tokenizerName);
  // The prefix holding exactly `contextTokens` tokens (found once, untimed).
  const whole = tokenizeHaystack(tokenizer, corpus);
  const textLength = whole.charStart[contextTokens]!;
  if (textLength < 0) throw new Error("the 128K boundary falls inside a character");
  const prefix = { ...corpus, text: corpus.text.slice(0, textLength) };
  const dir = mkdtempSync(join(tmpdir(), "ctxprobe-boundaries-"));
  const store = directoryStore(dir);
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      clearLoadedHaystacks();
      let start = performance.now();
      const first = await loadHaystack({ tokenizer: tokenizerName, corpus, textLength, store, tokenize: () => tokenizeHaystack(tokenizer, prefix) });
      cold.push(performance.now() - start);
      if (first.source !== "tokenized") throw new Error("expected a cold tokenization");
      bytes = encodeHaystack(first.haystack).length;
      clearLoadedHaystacks(); // a fresh isolate
      start = performance.now();
      const second = await loadHaystack({ tokenizer: tokenizerName, corpus, textLength, store, tokenize: () => { throw new Error("should load from the cache"); } });
      warm.push(performance.now() - start);
      if (second.source !== "store" || second.haystack.ids.length !== contextTokens) throw new Error("expected a cache load of the same haystack");
    }
    // Decode alone (no file read), for the record.
    const entry = encodeHaystack(whole.ids.length === contextTokens ? whole : tokenizeHaystack(tokenizer, prefix));
    const decodeMs = median(Array.from({ length: 5 }, () => elapsedMs(() => decodeHaystack(entry, { tokenizer: tokenizerName, corpus, textLength }))));
    const coldMs = median(cold);
    const loadMs = median(warm);
    return {
      tokenizer: tokenizerName,
      context_tokens: contextTokens,
      characters: textLength,
      entry_bytes: bytes,
      bytes_per_token: round(bytes / contextTokens, 2),
      cold_tokenize_ms: round(coldMs, 1),
      load_from_cache_ms: round(loadMs, 1),
      decode_only_ms: round(decodeMs, 1),
      speedup: round(coldMs / loadMs, 1),
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
