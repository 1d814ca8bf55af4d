// tokenizer "endpoint" for real: wrangler dev calls a llama.cpp-style server this test runs on
// loopback (LLaMA-2 tokenizer, POST /tokenize at the server root with pieces, base_url …/v1).
// With the route every haystack is exactly L − 200 of the server's tokens; without it the run
// calibrates against usage.prompt_tokens and its lengths are approximate, but close.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTokenizer, loadTokenizer } from "../../src/probes/tokenizers";
import { allProbes, bearer, freePort, getJson, startService, waitForRun } from "./support";

const NEEDLE_ANSWER = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";
const LENGTHS = [1000, 4000];
const DEPTHS = [0, 50, 100];

interface LlamaServer {
  url: string;
  tokenizeCalls: { path: string; authorization: string | undefined }[];
  completionCalls: number;
  close(): Promise<void>;
}

/**
 * A llama-server look-alike: /v1/completions answers the needle and reports prompt_tokens in LLaMA-2
 * tokens (+1 BOS); /tokenize (unless `withTokenize` is false) answers {tokens: [{id, piece}]} with
 * SentencePiece's dummy-prefix space, as llama.cpp does.
 */
async function startLlamaServer(withTokenize: boolean): Promise<LlamaServer> {
  const llama = getTokenizer("llama2");
  const vocab = ((await import("llama-tokenizer-js")).default as { vocabById: string[] }).vocabById;
  const piece = (id: number): string | number[] => {
    const byte = /^<0x([0-9A-F]{2})>$/.exec(vocab[id]!);
    return byte ? [parseInt(byte[1]!, 16)] : vocab[id]!.replaceAll("\u2581", " ");
  };
  const server: LlamaServer = { url: "", tokenizeCalls: [], completionCalls: 0, close: async () => undefined };
  const http: Server = createServer(async (req, res) => {
    // The service asks a new run's endpoint about itself (GET /v1/models, /version, /info …): this one has no such routes.
    if (req.method === "GET") {
      res.statusCode = 404;
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, any>;
    res.setHeader("content-type", "application/json");
    if (req.url === "/tokenize" && withTokenize) {
      server.tokenizeCalls.push({ path: req.url, authorization: req.headers.authorization });
      const ids = llama.encode(" " + String(body.content)); // the dummy prefix
      res.end(JSON.stringify({ tokens: body.with_pieces ? ids.map((id) => ({ id, piece: piece(id) })) : ids }));
      return;
    }
    if (req.url === "/v1/completions") {
      if (req.headers["x-ctxprobe-purpose"] !== "preflight") server.completionCalls++; // the run's own calls, not its preflight
      const promptTokens = 1 + llama.encode(" " + String(body.prompt)).length;
      res.end(JSON.stringify({ id: "c", object: "text_completion", choices: [{ index: 0, text: NEEDLE_ANSWER, finish_reason: "stop" }], usage: { prompt_tokens: promptTokens, completion_tokens: 20 } }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { code: 404, message: "File Not Found", type: "not_found_error" } }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  server.url = `http://127.0.0.1:${port}/v1`;
  server.close = () => new Promise((resolve) => http.close(() => resolve()));
  return server;
}

let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  await loadTokenizer("llama2");
  service = await startService();
});

afterAll(() => service?.cleanup());

async function submit(baseUrl: string, name: string): Promise<string> {
  const res = await fetch(`${service.url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(service.adminToken) },
    body: JSON.stringify({
      model: { name, base_url: baseUrl, api: "completions", model: "llama-2-7b", api_key: "sk-tokenize-marker", tokenizer: "endpoint", context_window: 131072, max_concurrency: 3, request_timeout_s: 60 },
      suites: [{ type: "needle", context_lengths: LENGTHS, depth_percents: DEPTHS }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const bookOf = (prompt: string) => prompt.slice(prompt.indexOf("<book> ") + "<book> ".length, prompt.lastIndexOf(" </book>"));
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe('tokenizer "endpoint" against a llama.cpp-style server', () => {
  it("uses its root /tokenize route: every haystack is exactly L − 200 LLaMA-2 tokens", async () => {
    const server = await startLlamaServer(true);
    try {
      const id = await submit(server.url, "llama-cpp-route");
      const run = await waitForRun(service.url, id, undefined, service.adminToken);
      expect(run.status).toBe("succeeded");
      expect(run.lengths_approximate).toBe(false);
      expect(run.tokenization).toMatchObject({ mode: "route", flavor: "llamacpp", route: server.url.replace(/\/v1$/, "/tokenize") });
      expect(run.progress).toMatchObject({ total: 6, failed: 0, token_mismatches: 0 });
      // Tokenize calls carry the run's (sealed, then opened) key like the completions calls.
      expect(server.tokenizeCalls.length).toBeGreaterThan(0);
      expect(server.tokenizeCalls.every((c) => c.authorization === "Bearer sk-tokenize-marker")).toBe(true);
      const llama = getTokenizer("llama2");
      const calls = server.tokenizeCalls.length;
      for (const probe of await allProbes(service.url, id, service.adminToken)) {
        expect(probe.constructed_tokens).toBe(probe.context_length - 200);
        const rebuilt = await getJson(`${service.url}/v1/runs/${id}/probes/${probe.idx}/prompt`, service.adminToken);
        expect(rebuilt.prompt_sha256).toBe(probe.prompt_sha256);
        expect(sha256(rebuilt.prompt)).toBe(probe.prompt_sha256);
        expect(llama.encode(" " + bookOf(rebuilt.prompt)).length).toBe(probe.context_length - 200);
        // BOS is the only difference between what the server reports and what we expected.
        expect(probe.prompt_tokens - probe.expected_prompt_tokens).toBeLessThanOrEqual(1);
      }
      // Rebuilding prompts never called the endpoint.
      expect(server.tokenizeCalls.length).toBe(calls);
    } finally {
      await server.close();
    }
  });

  it("without the route: calibrates against usage.prompt_tokens, lengths approximate but within 2 %", async () => {
    const server = await startLlamaServer(false);
    try {
      const id = await submit(server.url, "llama-cpp-no-route");
      const run = await waitForRun(service.url, id, undefined, service.adminToken);
      expect(run.status).toBe("succeeded");
      expect(run.lengths_approximate).toBe(true);
      expect(run.tokenization).toMatchObject({ mode: "calibrated", proxy: "cl100k_base", samples: 2 });
      // LLaMA-2 needs more tokens than cl100k_base for the same English text.
      expect(run.tokenization.ratio).toBeGreaterThan(1.02);
      expect(server.tokenizeCalls).toHaveLength(0);
      expect(server.completionCalls).toBe(2 + 6); // two calibration calls, then the probes
      const llama = getTokenizer("llama2");
      for (const probe of await allProbes(service.url, id, service.adminToken)) {
        const rebuilt = await getJson(`${service.url}/v1/runs/${id}/probes/${probe.idx}/prompt`, service.adminToken);
        expect(sha256(rebuilt.prompt)).toBe(probe.prompt_sha256);
        const real = llama.encode(" " + bookOf(rebuilt.prompt)).length;
        const target = probe.context_length - 200;
        expect(Math.abs(real - target) / target).toBeLessThan(0.02);
        expect(probe.token_mismatch).toBe(false);
      }
    } finally {
      await server.close();
    }
  });
});
