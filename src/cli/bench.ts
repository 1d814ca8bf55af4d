// `npm run bench`: measures what ctxprobe promises about speed and writes bench/results.json.
// Speed is measured here, never asserted in tests; each section is a module in src/cli/bench/:
//   in this process — tokenizers.ts (tokenizers), probes.ts (prompt_build, boundary_cache),
//     haystack.ts (haystack_build), bookqa.ts (bookqa_prompt), reference.ts (reference_answer),
//     sse-parse.ts (sse_parse);
//   through the local service — service.ts (dispatch, throughput, overhead), prefix-cache.ts
//     (prefix_cache), bookqa-service.ts (bookqa_service);
//   production budgets, each starting what it measures — isolate-memory.ts (isolate_memory: peak
//     JS heap of the Worker's isolate under wrangler dev, read over the inspector, while it builds
//     128K needle and book QA prompts in every tokenizer; target ≤ 96 MB), startup.ts (startup:
//     start-up CPU from `wrangler check startup`'s profile; target ≤ 400 ms).
// Figures are medians of repeated runs on this machine; it is shared and noisy, so compare ratios.
// A figure with a target (once a timed test assertion) has `target_…` beside it and `meets_target`.
// `--only dispatch,overhead` measures only the named sections (the others keep their figures in
// bench/results.json); `--repeat N` runs the dispatch measurement N times (default 3) and reports
// the median (the first run also pays the fresh isolate's cold start: tokenizer load, first D1/DO use).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { bookQaPrompt } from "./bench/bookqa";
import { bookQaService } from "./bench/bookqa-service";
import { haystackBuild } from "./bench/haystack";
import { isolateMemory } from "./bench/isolate-memory";
import { prefixCache } from "./bench/prefix-cache";
import { boundaryCache, promptBuild } from "./bench/probes";
import { dispatch, overhead, throughput, withServiceBench, type ServiceBench } from "./bench/service";
import { referenceAnswer } from "./bench/reference";
import { rulerBuild } from "./bench/ruler";
import { sseParse } from "./bench/sse-parse";
import { startup } from "./bench/startup";
import { printSummary } from "./bench/summary";
import { tokenizers } from "./bench/tokenizers";

/** Sections that need no shared service (most run in this process), in the order they run. */
const LOCAL_SECTIONS: Record<string, () => Promise<unknown>> = {
  tokenizers: () => tokenizers(),
  prompt_build: async () => {
    console.error("prompt_build: tokenizing the corpus and timing 128K-token builds (llama2's naive path takes seconds per probe)…");
    return [await promptBuild("cl100k_base", 128_000, 21, 5), await promptBuild("llama2", 128_000, 21, 3)];
  },
  boundary_cache: async () => {
    console.error("boundary_cache: a 128K-token haystack, cold tokenization vs a boundary-cache load…");
    return [await boundaryCache("cl100k_base", 128_000, 5), await boundaryCache("llama2", 128_000, 3)];
  },
  haystack_build: () => haystackBuild(),
  ruler_build: () => rulerBuild(),
  bookqa_prompt: () => bookQaPrompt(),
  reference_answer: () => referenceAnswer(),
  sse_parse: () => {
    console.error("sse_parse: one 2 / 4 / 8 MB event through the linear parser and the old reader…");
    return sseParse();
  },
  // These two start their own processes: a fresh wrangler dev with an inspector, wrangler check startup.
  isolate_memory: () => isolateMemory(),
  startup: () => startup(),
};

/** Sections that need the local service, in the order they run. */
const SERVICE_SECTIONS: Record<string, (bench: ServiceBench) => Promise<unknown>> = {
  dispatch,
  throughput,
  prefix_cache: (bench) => {
    console.error("prefix_cache: the paper grid against the reference model (simulated prefix cache), our order vs a random order…");
    return prefixCache(bench.service);
  },
  overhead,
  bookqa_service: bookQaService,
};

const SECTIONS = [...Object.keys(LOCAL_SECTIONS), ...Object.keys(SERVICE_SECTIONS)];

function benchArgs(argv: string[]): { only: Set<string>; repeat: number } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = new Set((value("--only") ?? SECTIONS.join(",")).split(",").map((s) => s.trim()));
  for (const name of only) if (!SECTIONS.includes(name)) throw new Error(`--only: unknown section ${name} (one of ${SECTIONS.join(", ")})`);
  const repeat = Math.max(1, Math.floor(Number(value("--repeat") ?? 3)) || 1);
  return { only, repeat };
}

async function main() {
  const { only, repeat } = benchArgs(process.argv.slice(2));
  // A partial run keeps the other sections' last figures.
  const previous = only.size < SECTIONS.length && existsSync("bench/results.json") ? (JSON.parse(readFileSync("bench/results.json", "utf8")) as Record<string, unknown>) : {};
  const results: Record<string, unknown> = { ...previous, machine: { node: process.version, date: new Date().toISOString() } };
  for (const [name, measure] of Object.entries(LOCAL_SECTIONS)) if (only.has(name)) results[name] = await measure();
  const onService = Object.entries(SERVICE_SECTIONS).filter(([name]) => only.has(name));
  if (onService.length > 0) {
    await withServiceBench(repeat, async (bench) => {
      for (const [name, measure] of onService) results[name] = await measure(bench);
    });
  }
  mkdirSync("bench", { recursive: true });
  writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
  printSummary(results);
  console.log(JSON.stringify(results));
}

await main();
process.exit(0);
