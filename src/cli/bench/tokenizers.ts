// tokenizers — loading every built-in tokenizer (a fresh process per sample) and each one's encode
// speed on the first 500,000 characters of `sotu` (moved here from test/unit/needle/tokenizers.test.ts).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadBuiltinCorpus } from "../../probes/corpora";
import { TOKENIZER_NAMES, loadTokenizer } from "../../probes/tokenizers";
import { elapsedMs, median, round } from "./stats";

const LOAD_SCRIPT = fileURLToPath(new URL("./tokenizer-load.ts", import.meta.url));
const ENCODE_CHARS = 500_000;

/** Time to load all tokenizers at once (as loadTokenizers() does), in a new Node process. */
function coldLoadMs(): number {
  const out = execFileSync(process.execPath, ["--import", "tsx", LOAD_SCRIPT], { encoding: "utf8" });
  return (JSON.parse(out.trim().split("\n").at(-1)!) as { ms: number }).ms;
}

async function encodeSpeed(text: string, runs: number) {
  const rows = [];
  for (const name of TOKENIZER_NAMES) {
    const tokenizer = await loadTokenizer(name);
    let tokens = 0;
    const ms = median(Array.from({ length: runs }, () => elapsedMs(() => (tokens = tokenizer.encode(text).length))));
    rows.push({ tokenizer: name, chars: text.length, tokens, ms_p50: round(ms, 0), kb_per_s: Math.round(text.length / 1024 / (ms / 1000)), runs });
  }
  return rows;
}

export async function tokenizers(loadRuns = 3, encodeRuns = 3) {
  console.error(`tokenizers: loading all ${TOKENIZER_NAMES.length} in a fresh process (${loadRuns}×), encoding ${ENCODE_CHARS} characters (${encodeRuns}× each)…`);
  const loads = Array.from({ length: loadRuns }, coldLoadMs);
  const text = (await loadBuiltinCorpus("sotu")).text.slice(0, ENCODE_CHARS);
  return {
    load_all_ms_p50: round(median(loads), 0),
    load_all_ms: loads.map((ms) => round(ms, 0)),
    encode: await encodeSpeed(text, encodeRuns),
  };
}
