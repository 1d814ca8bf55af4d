// tokenizer "endpoint" inside workerd against the Worker's own reference models: with the
// vLLM-style tokenize route every budget is hit exactly and prompts rebuild to their hash without
// calling the endpoint; without the route the run calibrates and says its lengths are approximate.
// And the boundary cache: a haystack tokenized once is in R2, and a fresh load reads it from there.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { r2BoundaryStore } from "../../src/catalog/boundary-store";
import { sha256Hex } from "../../src/common/hash";
import { promptFingerprintText } from "../../src/probes/prompt-hash";
import { loadBuiltinCorpus } from "../../src/probes/corpora";
import { boundaryCacheKey, clearLoadedHaystacks, loadHaystack } from "../../src/probes/needle/boundary-cache";
import { tokenizeHaystack } from "../../src/probes/needle/haystack";
import { loadTokenizer } from "../../src/probes/tokenizers";
import { byteLevelTokenString, encodeTokens } from "../../src/reference/tokens";
import { api, completionBody, createRun, fakeUpstream, probeRows, REFERENCE_URL, waitForStatus } from "./helpers";

const LENGTHS = [1000, 3000, 6000];
const DEPTHS = [0, 33, 67, 100];

function endpointRun(model: string, api_: "completions" | "chat" = "completions") {
  return {
    model: { name: `endpoint-${model}`, base_url: REFERENCE_URL, api: api_, model, tokenizer: "endpoint", context_window: 131072, max_concurrency: 4, request_timeout_s: 60 },
    suites: [{ type: "needle", context_lengths: LENGTHS, depth_percents: DEPTHS }],
  };
}

const SPECIALS_AS_TEXT = { disallowedSpecial: new Set<string>() };
/** The haystack + needle of a completions prompt (the paper's template wraps it in <book> … </book>). */
const bookOf = (prompt: string) => prompt.slice(prompt.indexOf("<book> ") + "<book> ".length, prompt.lastIndexOf(" </book>"));

type ProbeJson = { idx: number; context_length: number; constructed_tokens: number; expected_prompt_tokens: number; prompt_tokens: number; token_mismatch: boolean; prompt_sha256: string; status: string };

async function probesOf(id: string): Promise<ProbeJson[]> {
  return ((await (await api(`/v1/runs/${id}/probes?limit=500`)).json()) as { data: ProbeJson[] }).data;
}

describe("the reference models' tokenize route (vLLM's shape)", () => {
  it("answers ids, count, max_model_len and byte-level token strings; 404 for a model without the route", async () => {
    const res = await api("/reference/tokenize", { method: "POST", token: null, json: { model: "extractive-128k", prompt: "Hello world.", add_special_tokens: false, return_token_strs: true } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 3, max_model_len: 131072, tokens: encode("Hello world."), token_strs: ["Hello", "Ġworld", "."] });
    const plain = (await (await api("/reference/tokenize", { method: "POST", token: null, json: { model: "extractive-4k", prompt: "Hi" } })).json()) as Record<string, unknown>;
    expect(plain.token_strs).toBeNull();
    expect((await api("/reference/tokenize", { method: "POST", token: null, json: { model: "extractive-128k+tokenize=off", prompt: "Hi" } })).status).toBe(404);
    expect((await api("/reference/tokenize", { method: "POST", token: null, json: { model: "nope", prompt: "Hi" } })).status).toBe(404);
    expect((await api("/reference/tokenize", { method: "POST", token: null, json: { model: "extractive-128k" } })).status).toBe(400);
  });
});

describe('tokenizer "endpoint"', () => {
  it("with the tokenize route: every budget is exact in the endpoint's tokenizer and prompts rebuild to their hash", async () => {
    const { id } = await createRun(endpointRun("extractive-128k"));
    const run = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(run.status).toBe("succeeded");
    expect(run.lengths_approximate).toBe(false);
    expect(run.tokenization).toMatchObject({ mode: "route", flavor: "vllm", route: "http://ctxprobe.test/reference/tokenize" });
    expect(run.progress).toMatchObject({ total: LENGTHS.length * DEPTHS.length, failed: 0, unscorable: 0, token_mismatches: 0 });
    const probes = await probesOf(id);
    for (const probe of probes) {
      expect(probe.status).toBe("scored");
      expect(probe.constructed_tokens).toBe(probe.context_length - 200);
      const rebuilt = (await (await api(`/v1/runs/${id}/probes/${probe.idx}/prompt`)).json()) as { prompt: string; prompt_sha256: string; constructed_tokens: number };
      expect(rebuilt.prompt_sha256).toBe(probe.prompt_sha256);
      expect(await sha256Hex(promptFingerprintText({ api: "completions", prompt: rebuilt.prompt }))).toBe(probe.prompt_sha256);
      // Counted independently: the reference models' tokenizer is cl100k_base.
      expect(encode(bookOf(rebuilt.prompt), SPECIALS_AS_TEXT).length).toBe(probe.context_length - 200);
      // The endpoint's own usage agrees with what we expected for the whole prompt.
      expect(probe.prompt_tokens).toBe(probe.expected_prompt_tokens);
    }
    // The endpoint's tokenization of the corpus went to R2, keyed by corpus version and fingerprint.
    const fingerprint = run.tokenization.fingerprint as string;
    const listed = await env.BLOBS.list({ prefix: "boundaries/" });
    expect(listed.objects.map((o) => o.key).some((key) => key.includes(`endpoint-${fingerprint}`))).toBe(true);
    // Each probe stored its cuts: rebuilding never needs the endpoint.
    const rows = await probeRows(id);
    expect(rows.every((row) => typeof row.build_json === "string" && JSON.parse(row.build_json as string).mode === "route")).toBe(true);
  });

  it("chat runs hit their budgets too", async () => {
    const { id } = await createRun({ ...endpointRun("extractive-128k", "chat"), suites: [{ type: "needle", context_lengths: [2000], depth_percents: [0, 50, 100] }] });
    const run = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(run.status).toBe("succeeded");
    for (const probe of await probesOf(id)) {
      expect(probe.constructed_tokens).toBe(1800);
      expect(probe.token_mismatch).toBe(false);
      const rebuilt = (await (await api(`/v1/runs/${id}/probes/${probe.idx}/prompt`)).json()) as { messages: { content: string }[]; prompt_sha256: string };
      expect(rebuilt.prompt_sha256).toBe(probe.prompt_sha256);
      expect(encode(rebuilt.messages[1]!.content, SPECIALS_AS_TEXT).length).toBe(1800);
    }
  });

  it("without a tokenize route: the run calibrates against usage.prompt_tokens and marks its lengths approximate", async () => {
    const { id } = await createRun(endpointRun("extractive-128k+tokenize=off"));
    const run = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(run.status).toBe("succeeded");
    expect(run.lengths_approximate).toBe(true);
    // Calibration calls at 1K and 4K proxy tokens (16K is beyond this run's longest length).
    expect(run.tokenization).toMatchObject({ mode: "calibrated", proxy: "cl100k_base", samples: 2 });
    expect(run.tokenization.reason).toContain("no tokenize route");
    // The proxy is the endpoint's own tokenizer here, so the fitted ratio is ~1.
    expect(run.tokenization.ratio).toBeGreaterThan(0.98);
    expect(run.tokenization.ratio).toBeLessThan(1.02);
    expect(run.progress).toMatchObject({ failed: 0, unscorable: 0, token_mismatches: 0 });
    // The run's page says so too.
    expect(await (await api(`/runs/${id}`)).text()).toContain("approximate: cl100k_base ×");
    for (const probe of await probesOf(id)) {
      expect(Math.abs(probe.constructed_tokens - (probe.context_length - 200))).toBeLessThanOrEqual(Math.ceil(0.01 * probe.context_length));
      const rebuilt = (await (await api(`/v1/runs/${id}/probes/${probe.idx}/prompt`)).json()) as { prompt_sha256: string };
      expect(rebuilt.prompt_sha256).toBe(probe.prompt_sha256);
    }
  });

  it("refuses book QA suites", async () => {
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: { ...endpointRun("extractive-128k"), suites: [{ type: "bookqa", limit: 1 }] } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { pointer: string; detail: string }[] }).errors[0]).toMatchObject({ pointer: "/suites/0" });
  });
});

describe("boundary cache in R2", () => {
  it("a fresh load reads the tokenization from R2 instead of tokenizing again", async () => {
    const corpus = { ...(await loadBuiltinCorpus("moby-dick")), version: `moby-test-${Date.now()}` };
    const textLength = 200_000;
    const tokenizer = await loadTokenizer("cl100k_base");
    const store = r2BoundaryStore(env.BLOBS);
    let tokenizations = 0;
    const tokenize = () => {
      tokenizations++;
      return tokenizeHaystack(tokenizer, { ...corpus, text: corpus.text.slice(0, textLength) });
    };
    clearLoadedHaystacks();
    const first = await loadHaystack({ tokenizer: "cl100k_base", corpus, textLength, store, tokenize });
    expect(first.source).toBe("tokenized");
    expect(tokenizations).toBe(1);
    const object = await env.BLOBS.head(boundaryCacheKey("cl100k_base", corpus.version, textLength));
    expect(object).not.toBeNull();
    // Compact: well under 4 bytes per token for ids + boundaries + flags.
    expect(object!.size).toBeLessThan(first.haystack.ids.length * 4);

    clearLoadedHaystacks(); // a fresh isolate
    const second = await loadHaystack({ tokenizer: "cl100k_base", corpus, textLength, store, tokenize });
    expect(second.source).toBe("store");
    expect(tokenizations).toBe(1);
    expect(second.haystack.ids).toEqual(first.haystack.ids);
    expect([...second.haystack.charStart]).toEqual([...first.haystack.charStart]);
    expect([...second.haystack.sentenceEnd]).toEqual([...first.haystack.sentenceEnd]);
    expect(second.haystack.text).toBe(first.haystack.text);

    const third = await loadHaystack({ tokenizer: "cl100k_base", corpus, textLength, store, tokenize });
    expect(third.source).toBe("memory");
    expect(tokenizations).toBe(1);
  });
});

describe("a throttled tokenize route", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("pauses and narrows the endpoint's limiter like a throttled completion, then the run goes on", async () => {
    let throttled = 0;
    const calls = fakeUpstream(vi, (call) => {
      const path = new URL(call.url).pathname;
      if (path === "/tokenize") {
        // The discovery call succeeds; the next two tokenize calls (counting a probe, or the
        // corpus when no other test cached it) are throttled, then served.
        const body = call.body as unknown as { prompt: string; return_token_strs?: boolean };
        if (!body.prompt.startsWith("ctxprobe tokenizer fingerprint") && throttled < 2) {
          throttled++;
          return new Response(JSON.stringify({ error: "slow down" }), { status: 429, headers: { "retry-after": "1" } });
        }
        const tokens = encodeTokens(body.prompt);
        return Response.json({ count: tokens.length, max_model_len: 131072, tokens, token_strs: body.return_token_strs ? tokens.map(byteLevelTokenString) : null });
      }
      return new Response(completionBody("The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } });
    });
    const { id } = await createRun({
      model: { name: "throttled-tokenize", base_url: "https://models.example.com/v1", api: "completions", model: "tok-429", tokenizer: "endpoint", context_window: 131072, max_concurrency: 4, request_timeout_s: 30 },
      suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 50] }],
    });
    const run = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(run.status).toBe("succeeded");
    expect(run.tokenization).toMatchObject({ mode: "route" });
    expect(throttled).toBe(2);
    const limit = (await (await api(`/v1/runs/${id}/endpoint-limit`)).json()) as Record<string, unknown>;
    // At least one throttle per 429 (probes waiting on one shared tokenize call each report it).
    expect(limit).toMatchObject({ endpoint: "https://models.example.com/v1#tok-429" });
    expect(limit.throttles).toBeGreaterThanOrEqual(2);
    expect(calls.filter((c) => new URL(c.url).pathname === "/v1/completions")).toHaveLength(2);
    const probes = await probeRows(id);
    expect(probes.map((p) => p.status)).toEqual(["scored", "scored"]);
  });
});
