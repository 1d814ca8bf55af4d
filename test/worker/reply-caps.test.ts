// The reply caps inside workerd, through the queue consumer: a completion reply over
// MAX_REPLY_BYTES ends its probe unscorable after one attempt; a tokenize answer over
// MAX_TOKENIZE_REPLY_BYTES makes the run calibrate (the corpus request) or ends the probe
// unscorable once (a count). Each oversized body is cancelled, not drained.
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_TOKENIZE_REPLY_BYTES } from "../../src/lifecycle/endpoint/bounded-body";
import { byteLevelTokenString, encodeTokens } from "../../src/reference/tokens";
import { api, createRun, fakeUpstream, probeRows, waitForStatus } from "./helpers";

const ANSWER = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";

/** A body of `head` then "a" until `total` bytes, produced as it is read; records a cancel. */
function hugeBody(head: string, total: number) {
  const state = { pulled: 0, cancelled: false };
  const filler = new Uint8Array(64 * 1024).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled >= total) return controller.close();
        const chunk = state.pulled === 0 ? new TextEncoder().encode(head) : filler.subarray(0, Math.min(filler.length, total - state.pulled));
        state.pulled += chunk.length;
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { state, stream };
}

const completion = (prompt: string) =>
  Response.json({ choices: [{ index: 0, text: ANSWER, finish_reason: "stop" }], usage: { prompt_tokens: Math.round(prompt.length / 4), completion_tokens: 20 } });

/** vLLM's tokenize answer, with ids shifted so this test's tokenizer has a fingerprint of its own. */
function tokenizeAnswer(body: { prompt: string; return_token_strs?: boolean }) {
  const tokens = encodeTokens(body.prompt);
  return Response.json({ count: tokens.length, max_model_len: 131072, tokens: tokens.map((t) => t + 11), token_strs: body.return_token_strs ? tokens.map(byteLevelTokenString) : null });
}

function run(model: string, tokenizer = "cl100k_base") {
  return {
    model: { name: model, base_url: "https://models.example.com/v1", api: "completions", model, tokenizer, context_window: 131072, max_concurrency: 2, request_timeout_s: 30 },
    suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 100] }],
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a completion reply over MAX_REPLY_BYTES", () => {
  it("ends the probe unscorable after one attempt, with the reason, and the body is cancelled", async () => {
    const bodies: ReturnType<typeof hugeBody>["state"][] = [];
    fakeUpstream(vi, () => {
      const huge = hugeBody('{"choices":[{"text":"', 50 * 1024 * 1024);
      bodies.push(huge.state);
      return new Response(huge.stream, { headers: { "content-type": "application/json" } });
    });
    const { id } = await createRun(run("json-bomb"));
    const done = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(done.progress).toMatchObject({ total: 2, unscorable: 2, failed: 0 });
    const probes = await probeRows(id);
    for (const probe of probes) {
      expect(probe).toMatchObject({ status: "unscorable", attempts: 1 });
      expect(probe.error).toMatch(new RegExp(`^the endpoint's reply exceeded ${DEFAULT_MAX_REPLY_BYTES} bytes; reading stopped there`));
    }
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body.cancelled).toBe(true);
      expect(body.pulled).toBeLessThanOrEqual(DEFAULT_MAX_REPLY_BYTES + 64 * 1024);
    }
  });
});

describe("a tokenize answer over MAX_TOKENIZE_REPLY_BYTES", () => {
  it("to the corpus request with pieces: the run calibrates instead, and says why", async () => {
    const answers: ReturnType<typeof hugeBody>["state"][] = [];
    fakeUpstream(vi, (call) => {
      const body = call.body as unknown as { prompt: string; return_token_strs?: boolean };
      if (new URL(call.url).pathname !== "/tokenize") return completion(call.body.prompt ?? "");
      if (!body.return_token_strs) return tokenizeAnswer(body);
      const huge = hugeBody('{"count":1,"tokens":[', DEFAULT_MAX_TOKENIZE_REPLY_BYTES + 1024 * 1024);
      answers.push(huge.state);
      return new Response(huge.stream);
    });
    const { id } = await createRun(run("pieces-bomb", "endpoint"));
    const done = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(done.status).toBe("succeeded");
    expect(done.lengths_approximate).toBe(true);
    expect(done.tokenization).toMatchObject({ mode: "calibrated" });
    expect(done.tokenization.reason).toContain(`cannot place characters: the tokenize answer of https://models.example.com/tokenize exceeded ${DEFAULT_MAX_TOKENIZE_REPLY_BYTES} bytes`);
    expect(done.progress).toMatchObject({ total: 2, failed: 0, unscorable: 0 });
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.cancelled && a.pulled <= DEFAULT_MAX_TOKENIZE_REPLY_BYTES + 64 * 1024)).toBe(true);
  });

  it("to a count: the probe ends unscorable after one attempt, with the reason", async () => {
    const counts: ReturnType<typeof hugeBody>["state"][] = [];
    fakeUpstream(vi, (call) => {
      const body = call.body as unknown as { prompt: string; return_token_strs?: boolean };
      if (new URL(call.url).pathname !== "/tokenize") return completion(call.body.prompt ?? "");
      if (body.return_token_strs || body.prompt.startsWith("ctxprobe tokenizer fingerprint")) return tokenizeAnswer(body);
      const huge = hugeBody('{"count":1,"tokens":[', DEFAULT_MAX_TOKENIZE_REPLY_BYTES + 1024 * 1024);
      counts.push(huge.state);
      return new Response(huge.stream);
    });
    const { id } = await createRun(run("count-bomb", "endpoint"));
    const done = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(done.tokenization).toMatchObject({ mode: "route" });
    expect(done.progress).toMatchObject({ total: 2, unscorable: 2, failed: 0 });
    for (const probe of await probeRows(id)) {
      expect(probe).toMatchObject({ status: "unscorable", attempts: 1 });
      expect(probe.error).toContain(`the prompt cannot be built: the tokenize answer of https://models.example.com/tokenize exceeded ${DEFAULT_MAX_TOKENIZE_REPLY_BYTES} bytes`);
    }
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.every((c) => c.cancelled && c.pulled <= DEFAULT_MAX_TOKENIZE_REPLY_BYTES + 64 * 1024)).toBe(true);
    // The run's page answers meanwhile and after: nothing else was held up.
    expect((await api(`/v1/runs/${id}`)).status).toBe(200);
  });
});
