// Run by tokenizers.ts in a fresh process: a tokenizer package builds its vocabulary once per
// process, so each sample of the load time needs a process of its own. Prints {"ms": N}.
import { performance } from "node:perf_hooks";
import { loadTokenizers } from "../../probes/tokenizers";

const started = performance.now();
await loadTokenizers();
console.log(JSON.stringify({ ms: performance.now() - started }));
