// ruler_build — one 128K RULER prompt per task family (niah, vt, cwe, fwe) in cl100k_base and llama2:
// p50 of our build (exact counts from cached boundaries, ../../probes/ruler/count.ts) against RULER's
// own method on the same layouts: binary search over the haystack size, re-tokenizing the whole
// prompt at every step (niah.py's generate_samples: a first estimate from a small haystack, an upper
// bound of 3× the estimate, then one more full tokenization of the sample it keeps).
// Target: ≥ 50× faster and p50 ≤ 20 ms. niah is niah_single_2 (the essay haystack RULER's niah
// defaults to); niah_multikey_2 (a haystack of distractor needles, each counted once) is reported beside.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadBuiltinCorpus } from "../../probes/corpora";
import { getHaystack, type Haystack } from "../../probes/needle/haystack";
import { piecesText } from "../../probes/ruler/count";
import { essayCorpus } from "../../probes/ruler/essay";
import type { Fitted } from "../../probes/ruler/fit";
import { usesEssay } from "../../probes/ruler/generate";
import { buildSyntheticProbe, budgetOf } from "../../probes/ruler/probe";
import type { SyntheticTask } from "../../probes/ruler/protocol";
import type { Fitter, Layout } from "../../probes/ruler/task";
import { loadTokenizer } from "../../probes/tokenizers";
import type { Tokenizer, TokenizerName } from "../../probes/types";
import { elapsedMs, median, round } from "./stats";
import { prepareCweWordPool } from "../../probes/ruler/words";

const CONTEXT_LENGTH = 131_072;
const FAMILIES: readonly { family: string; task: SyntheticTask }[] = [
  { family: "niah", task: "niah_single_2" },
  { family: "vt", task: "vt" },
  { family: "cwe", task: "cwe" },
  { family: "fwe", task: "fwe" },
  { family: "niah (distractor needles)", task: "niah_multikey_2" },
];
const FAST_RUNS = 40;
const WARM_RUNS = 5;
/** RULER's method re-tokenizes ~20 × 128K tokens per prompt: a few seconds per prompt in either tokenizer. */
const rulerRuns = (_name: TokenizerName) => 3;
const TARGET_SPEEDUP = 50;
const TARGET_MS = 20;

/**
 * RULER's search: every step tokenizes the whole prompt. Its first estimate comes from a haystack
 * of `incremental` units (500 essay words, 25 noise lines, 4096 cwe words): ~5 % of the final size
 * here, so that 3× the estimate bounds the search as RULER's bound does.
 */
function rulerSearch(tokenizer: Tokenizer): Fitter {
  return (layout: Layout): Fitted => {
    const count = (size: number) => tokenizer.encode(piecesText(layout.piecesAt(size))).length;
    const min = layout.guess.min ?? 1;
    const incremental = Math.max(min, Math.ceil(layout.guess.start / 20));
    const perUnit = count(incremental) / incremental;
    let lower = incremental;
    let upper = Math.min(layout.guess.max ?? Number.MAX_SAFE_INTEGER, Math.max(Math.floor((layout.budget / perUnit) * 3), incremental * 2));
    let best: Fitted | null = null;
    while (lower <= upper) {
      const mid = (lower + upper) >> 1;
      const tokens = count(mid);
      if (tokens <= layout.budget) {
        best = { size: mid, tokens };
        lower = mid + 1;
      } else upper = mid - 1;
    }
    const size = best?.size ?? incremental;
    return { size, tokens: count(size) }; // RULER tokenizes the sample it keeps once more
  };
}

// RULER's method leaves ~1 GB of garbage per family: collected before each timed series, so no
// series is timed while V8 marks the previous one's (that slowed the llama2 fwe builds ~1.3×).
const gc = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();
const collectGarbage = () => gc();

function row(name: TokenizerName, tokenizer: Tokenizer, essay: Haystack, family: string, task: SyntheticTask) {
  const plan = { seed: 0, tokenizer: name, api: "completions" as const };
  const cell = (sample: number) => ({ task, contextLength: CONTEXT_LENGTH, sample });
  const haystack = usesEssay(task) ? essay : undefined;
  // Warm (word pool, memo of the template's words, the JIT): a service builds a run's probes of a
  // task one after another in one isolate, so the steady state is what a probe costs.
  for (let sample = 1000; sample < 1000 + WARM_RUNS; sample++) buildSyntheticProbe(plan, cell(sample), haystack);
  collectGarbage();
  let fastTokens = 0;
  const fast = Array.from({ length: FAST_RUNS }, (_, sample) =>
    elapsedMs(() => {
      const probe = buildSyntheticProbe(plan, cell(sample), haystack);
      if (probe.prompt.api === "completions") probe.prompt.prompt.charCodeAt(1); // flatten, as sending it would
      fastTokens = probe.tokens;
    }),
  );
  collectGarbage();
  let rulerTokens = 0;
  const ruler = Array.from({ length: rulerRuns(name) }, (_, sample) => elapsedMs(() => (rulerTokens = buildSyntheticProbe(plan, cell(sample), haystack, { fitter: rulerSearch(tokenizer) }).tokens)));
  const [fastMs, rulerMs] = [median(fast), median(ruler)];
  const speedup = rulerMs / fastMs;
  return {
    tokenizer: name,
    family,
    task,
    budget: budgetOf(cell(0)),
    fast_p50_ms: round(fastMs, 2),
    fast_runs: FAST_RUNS,
    warm_runs: WARM_RUNS,
    fast_tokens_last: fastTokens,
    ruler_method_p50_ms: round(rulerMs, 1),
    ruler_method_runs: ruler.length,
    ruler_method_tokens_last: rulerTokens,
    speedup: round(speedup, 1),
    target_speedup: TARGET_SPEEDUP,
    target_ms: TARGET_MS,
    meets_target: speedup >= TARGET_SPEEDUP && fastMs <= TARGET_MS,
  };
}

export async function rulerBuild(): Promise<unknown[]> {
  const rows: unknown[] = [];
  await prepareCweWordPool();
  for (const name of ["cl100k_base", "llama2"] as const) {
    console.error(`ruler_build: ${name}: tokenizing the essay corpus, then 128K prompts per family (RULER's method re-tokenizes each ~20 times)…`);
    const tokenizer = await loadTokenizer(name);
    const essay = getHaystack(tokenizer, essayCorpus((await loadBuiltinCorpus("sotu"))));
    for (const { family, task } of FAMILIES) rows.push(row(name, tokenizer, essay, family, task));
  }
  return rows;
}
