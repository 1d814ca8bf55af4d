// The tables `npm run bench` prints after writing bench/results.json.
type Results = Record<string, unknown>;

const rows = (value: unknown) => (value as Record<string, unknown>[]).map((row) => ({ ...row }));

export function printSummary(results: Results): void {
  const tokenizers = results.tokenizers as { load_all_ms_p50: number; encode: unknown } | undefined;
  if (tokenizers) {
    console.log(`tokenizers: all loaded in a fresh process in ${tokenizers.load_all_ms_p50} ms (p50)`);
    console.table(rows(tokenizers.encode));
  }
  if (results.prompt_build) console.table(rows(results.prompt_build));
  if (results.boundary_cache) console.table(rows(results.boundary_cache));
  if (results.haystack_build) console.table(rows(results.haystack_build));
  if (results.reference_answer) console.table(rows(results.reference_answer));
  if (results.sse_parse) console.table(rows((results.sse_parse as { rows: unknown }).rows));
  const bookQa = results.bookqa_prompt as { ms_per_probe_p50: number; target_ms_per_probe: number; meets_target: boolean } | undefined;
  if (bookQa) console.log(`bookqa_prompt: ${bookQa.ms_per_probe_p50} ms per cached probe (target < ${bookQa.target_ms_per_probe} ms: ${bookQa.meets_target ? "met" : "MISSED"})`);
  const service = Object.fromEntries(["dispatch", "throughput", "prefix_cache", "overhead"].filter((s) => results[s] !== undefined).map((s) => [s, results[s]]));
  if (Object.keys(service).length > 0) {
    console.table(service);
    const byCapacity = (results.prefix_cache as { by_capacity?: object[] } | undefined)?.by_capacity;
    if (byCapacity) console.table(rows(byCapacity)); // cached ratio per order and cache size
  }
  if (results.bookqa_service) console.table(results.bookqa_service as Record<string, object>);
}
