// The shapes of a run's exports: the probes' CSV (header, a column per score, neutralised cells)
// and the Markdown summary (facts, scores with intervals, effective lengths, warnings).
import { describe, expect, it } from "vitest";
import type { Probe, Run } from "../../../src/contract/run";
import { probeCsvHeader, probeCsvRow, probeCsvStream } from "../../../src/api/probes-csv";
import { mdCell, runMarkdown } from "../../../src/api/run-markdown";

const probe = (over: Partial<Probe> = {}): Probe => ({
  idx: 3, suite: 0, suite_type: "needle", context_length: 16000, depth_percent: 50, item: null, status: "scored", attempts: 1,
  constructed_tokens: 15900, expected_prompt_tokens: 15950, prompt_tokens: 15951, cached_tokens: null, token_mismatch: false, completion_tokens: 20,
  usage_dropped: false, latency_ms: 812, ttft_ms: null, finish_reason: "stop", response: 'He said "eat a sandwich",\nthen left.', reasoning: null,
  scores: { paper: 0.9167, contains: 1 }, prompt_sha256: "ab".repeat(32), facts: null, error: null, ...over,
});

describe("probes as CSV", () => {
  it("has fixed columns, a score_ column per score name, and the response last", () => {
    const header = probeCsvHeader(["paper", "contains", "rouge1"]);
    expect(header).toBe(
      "idx,suite,suite_type,context_length,depth_percent,item,kind,status,attempts,score_paper,score_contains,score_rouge1," +
        "constructed_tokens,expected_prompt_tokens,prompt_tokens,cached_tokens,completion_tokens,token_mismatch,usage_dropped,latency_ms,ttft_ms,finish_reason,error,prompt_sha256,response\r\n",
    );
    const row = probeCsvRow(probe(), ["paper", "contains", "rouge1"]);
    expect(row).toBe(`3,0,needle,16000,50,,,scored,1,0.9167,1,,15900,15950,15951,,20,false,false,812,,stop,,${"ab".repeat(32)},"He said ""eat a sandwich"",\nthen left."\r\n`);
  });

  it("neutralises a response a spreadsheet would run as a formula", () => {
    const row = probeCsvRow(probe({ response: "=HYPERLINK(\"http://x\")", scores: null, status: "failed" }), ["paper"]);
    expect(row.endsWith(`,"'=HYPERLINK(""http://x"")"\r\n`)).toBe(true);
  });

  it("streams the header, then each page's rows", async () => {
    async function* pages() {
      yield [probe({ idx: 0 }), probe({ idx: 1 })];
      yield [probe({ idx: 2 })];
    }
    const text = await new Response(probeCsvStream(["paper"], pages())).text();
    const lines = text.split("\r\n").filter((l) => /^\d+,/.test(l));
    expect(text.startsWith("idx,suite,")).toBe(true);
    expect(lines.map((l) => l.split(",")[0])).toEqual(["0", "1", "2"]);
  });
});

const suite = (over: Record<string, unknown>) => ({ probes: 0, scored: 0, unscorable: 0, failed: 0, truncated: 0, incomplete: 0, scores: {}, tokenizer: "cl100k_base", ...over });
const run = {
  id: "run_1", status: "succeeded", series: "llama-80k", step: 1250, tokens_trained: 5_000_000_000, error: null, finished_at: "2026-07-02T14:03:09.000Z",
  model: { name: "ckpt | 1250", model: "meta/llama`2", api: "chat", tokenizer: "llama2", context_window: 131072, training_context_length: 81920 },
  serving: { engine: "vllm", version: "0.6.3", model_id: "llama", max_model_len: 131072, server: null },
  progress: { total: 60, done: 60, failed: 1, unscorable: 0, truncated: 2, incomplete: 0, token_mismatches: 0, retrying: 0 },
  warnings: [{ code: "truncated", count: 2, message: "2 prompts were cut by the server" }],
  suites: [
    suite({ index: 0, type: "needle", corpus: "pg19", context_lengths: [1000, 64000, 128000], depth_percents: [0, 50, 100], probes: 9, scored: 6, scores: { paper: 80.5, contains: 88.9 },
      effective_context_length: { length: 64000, low: 1000, high: 128000, threshold: 0.85, definition: "relative", metric: "contains", resamples: 1000 } }),
    suite({ index: 1, type: "mmlu", probes: 40, scored: 40, scores: { micro: 75, macro: 74 }, mmlu: { micro: { acc: 75, low: 59.8, high: 85.8, n: 40 }, macro: null } }),
    suite({ index: 2, type: "loss", context_lengths: [1000, 4000], probes: 4, scored: 4, scores: { loss: 2.1 },
      loss: { domains: ["books"], documents: 2, by_domain: {}, position_curve: {}, loss_at: { "4000": { loss: 2.01, low: 1.9, high: 2.2, perplexity: 7.4, documents: 2 }, "1000": { loss: 2.4, low: null, high: null, perplexity: 11, documents: 2 } } } }),
  ],
} as unknown as Run;

describe("the run summary as Markdown", () => {
  const md = runMarkdown(run, "https://ctxprobe.example");

  it("states the model and the run, with user text made safe for a table", () => {
    expect(md.startsWith("## ckpt \\| 1250 — ctxprobe long-context evaluation\n\n")).toBe(true);
    expect(md).toContain("| Served model | `meta/llama'2` (chat API) |");
    expect(md).toContain("| Context window | 131,072 tokens · trained at 81,920 |");
    expect(md).toContain("| Serving | vllm 0.6.3 · llama |");
    expect(md).toContain("| Series | llama-80k, step 1250, 5,000,000,000 tokens trained |");
    expect(md).toContain("| Run | [run_1](https://ctxprobe.example/runs/run_1) · succeeded · finished 2026-07-02 14:03 UTC |");
    expect(md).toContain("| Probes | 60 of 60 settled: 1 failed, 2 truncated |");
    expect(mdCell("a|b\nc\\d")).toBe("a\\|b c\\\\d");
  });

  it("has a row per metric with the intervals the service computes", () => {
    expect(md).toContain("| Needle in a haystack (suite 0; corpus pg19) | 3 lengths 1K–128K × 3 depths | paper | 80.5 | — | 6 / 9 |\n|  |  | contains | 88.9 | — |  |");
    expect(md).toContain("| Multiple choice (suite 1) | — | accuracy, micro | 75.0 | 59.8 – 85.8 | 40 / 40 |\n|  |  | accuracy, macro | — | — |  |");
    // Loss@L by length ascending, in nats.
    expect(md).toContain("| Loss by context length (suite 2) | 2 lengths 1K–4K | Loss@1K (nats, lower is better) | 2.400 | — | 4 / 4 |\n|  |  | Loss@4K (nats, lower is better) | 2.010 | 1.900 – 2.200 |  |");
    expect(md).toContain("; Loss@L is in nats.");
  });

  it("lists the effective lengths and the warnings", () => {
    expect(md).toContain("| Needle in a haystack (suite 0; corpus pg19) | contains ≥ 85 % of the shortest length's mean | 64K | 1K – 128K |");
    expect(md.endsWith("### Warnings\n\n- **truncated** (2): 2 prompts were cut by the server\n")).toBe(true);
    expect(runMarkdown({ ...run, warnings: [] }, "x").endsWith("### Warnings\n\nNone.\n")).toBe(true);
  });
});
