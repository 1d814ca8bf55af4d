// Serving truth inside workerd, against servers the tests stand in for: a run's preflight fails it
// at once on refused credentials or an unknown model; a server that cuts prompts to 2,048 tokens
// yields `truncated` probes (not wrong ones) and a run warning naming where it cuts; window
// discovery finds that cut; a mismatched tokenizer is a warning, not a truncation.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadTokenizer } from "../../src/probes/tokenizers";
import { api, createRun, fakeUpstream, needleRun, waitForStatus, type UpstreamCall } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const NEEDLE_ANSWER = "eat a sandwich and sit in Dolores Park on a sunny day.";

/** A server that counts in cl100k_base and keeps only the last `window` tokens of a longer prompt (as Ollama does), saying nothing. */
function cuttingServer(window: number) {
  return async (call: UpstreamCall) => {
    if (call.method === "GET") return new Response("not found", { status: 404 });
    const sent = (await loadTokenizer("cl100k_base")).encode(call.body.prompt ?? "").length;
    const kept = Math.min(sent, window);
    const text = kept < sent ? "I cannot find that in the text." : NEEDLE_ANSWER;
    return Response.json({ choices: [{ text, finish_reason: "stop" }], usage: { prompt_tokens: kept, completion_tokens: 8 } });
  };
}

type Run = {
  status: string;
  error: string | null;
  progress: Record<string, number>;
  suites: { scored: number; truncated: number; scores: Record<string, number | null>; by_length: Record<string, Record<string, number | null>> }[];
  warnings: { code: string; count: number | null; message: string; lengths?: number[] }[];
  preflight: { token_ratio: number | null; tokenizer_agrees: boolean | null; discovered_window: { accepts_up_to: number | null; first_failure: number | null; failure: string | null; calls: number } | null } | null;
};

const grid = { suites: [{ type: "needle", context_lengths: [1000, 4000], depth_percents: [0, 50, 100] }] };

describe("a run's preflight", () => {
  for (const [what, status, message, reason] of [
    ["refused credentials", 401, "invalid api key", /^preflight: the endpoint refused the credentials: HTTP 401/],
    ["an unknown model", 404, "The model `served` does not exist.", /^preflight: the endpoint does not serve the model: HTTP 404/],
  ] as const) {
    it(`fails the run at once on ${what}, before any probe is sent`, async () => {
      const calls = fakeUpstream(vi, () => Response.json({ error: { message } }, { status }), { preflight: "pass" });
      const started = Date.now();
      const { id } = await createRun(needleRun(grid));
      const run = (await waitForStatus(id, ["failed", "succeeded"], 15_000)) as Run;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(run.status).toBe("failed");
      expect(run.error).toMatch(reason);
      expect(calls.every((c) => c.headers.get("x-ctxprobe-purpose") === "preflight")).toBe(true);
      const { results } = await env.DB.prepare("SELECT count(*) AS n FROM probes WHERE run_id = ? AND status = 'cancelled'").bind(id).all<{ n: number }>();
      expect(results[0]!.n).toBe(6);
    }, 20_000);
  }
});

describe("silent truncation", () => {
  it("marks prompts a server cut to 2,048 tokens `truncated`, leaves them out of the scores, and warns", async () => {
    fakeUpstream(vi, cuttingServer(2048), { preflight: "pass" });
    const { id } = await createRun(needleRun(grid));
    const run = (await waitForStatus(id, ["failed", "succeeded"], 30_000)) as Run;
    expect(run.status).toBe("succeeded");
    expect(run.preflight).toMatchObject({ token_ratio: 1, tokenizer_agrees: true });
    expect(run.progress).toMatchObject({ total: 6, done: 6, truncated: 3, failed: 0, token_mismatches: 0 });
    expect(run.suites[0]).toMatchObject({ scored: 3, truncated: 3 });
    expect(run.suites[0]!.by_length["1000"]!.contains).toBe(100);
    expect(run.suites[0]!.by_length["4000"]?.contains ?? null).toBeNull(); // not 0: nothing there was scored
    expect(run.warnings).toEqual([expect.objectContaining({ code: "truncated", count: 3, message: "the server cut 3 of 6 prompts to ≈ 2,048 tokens: check num_ctx / max_model_len (they are left out of the scores)" })]);
    const listed = (await (await api(`/v1/runs/${id}/probes`)).json()) as { data: { status: string; context_length: number; error: string }[] };
    const probes = listed.data.filter((p) => p.status === "truncated");
    expect(probes.map((p) => p.context_length)).toEqual([4000, 4000, 4000]);
    expect(probes[0]!.error).toMatch(/^the server counted 2048 prompt tokens of the \d+ sent: it cut the prompt/);
    const page = await (await api(`/runs/${id}`)).text();
    expect(page).toContain("the server cut 3 of 6 prompts to ≈ 2,048 tokens");
    expect(page).toMatch(/fill="url\(#heatmap-0-hatch-cut\)"/); // its own hatch, not a red "wrong" cell

    type Board = { data: { run_id: string; warnings: string[] }[] };
    const board = (await (await api("/v1/leaderboard?limit=500")).json()) as Board;
    expect(board.data.find((r) => r.run_id === id)?.warnings).toEqual(["truncated"]);
    const valid = (await (await api("/v1/leaderboard?limit=500&valid=only")).json()) as Board;
    expect(valid.data.some((r) => r.run_id === id)).toBe(false);
    const csv = await (await api("/v1/leaderboard?limit=500&format=csv")).text();
    expect(csv.split("\n")[0]).toMatch(/,warnings(,|$)/);
    const boardPage = await (await api("/")).text();
    expect(boardPage).toMatch(new RegExp(`data-run-id="${id}"[\\s\\S]*?data-warning="truncated"`));
    expect(await (await api("/?valid=only")).text()).not.toContain(`data-run-id="${id}"`);
  }, 40_000);

  it("finds the window by bisection with discover_window, and marks the lengths above it", async () => {
    const calls = fakeUpstream(vi, cuttingServer(2048), { preflight: "pass" });
    const { id } = await createRun(needleRun(grid, { context_window: 8192, discover_window: true }));
    const run = (await waitForStatus(id, ["failed", "succeeded"], 30_000)) as Run;
    const found = run.preflight!.discovered_window!;
    expect(found.failure).toBe("cut");
    expect(found.accepts_up_to).toBeGreaterThan(2048 - 256);
    expect(found.accepts_up_to).toBeLessThanOrEqual(2048 * 1.01); // a cut within the 1 % tokenizer tolerance cannot be told
    expect(found.first_failure! - found.accepts_up_to!).toBeLessThanOrEqual(256);
    expect(found.calls).toBeLessThanOrEqual(10);
    const discovery = calls.filter((c) => c.headers.get("x-ctxprobe-purpose") === "preflight" && c.body?.max_tokens === 1);
    expect(discovery.length).toBeGreaterThanOrEqual(found.calls);
    expect(run.warnings.find((w) => w.code === "beyond_window")).toMatchObject({ lengths: [4000] });
    // The run page marks it on the heatmap: a dotted line after the last length the server takes whole.
    const page = await (await api(`/runs/${id}`)).text();
    expect(page).toContain(`class="served-window-line" data-served-window="${found.accepts_up_to}"`);
    expect(page).toMatch(/server takes ≤ 2(\.\d)?K</);
    expect(page).toContain("longest prompt the server took whole (window discovery)");
    expect(page).toContain(`the server takes prompts up to ≈ ${found.accepts_up_to!.toLocaleString("en-US")} tokens whole (window discovery)`);
  }, 40_000);

  it("does not call a wrong tokenizer's counts a truncation: they are a token mismatch warning", async () => {
    fakeUpstream(vi, cuttingServer(1_000_000), { preflight: "pass" });
    const { id } = await createRun(needleRun(grid, { tokenizer: "llama2" }));
    const run = (await waitForStatus(id, ["failed", "succeeded"], 30_000)) as Run;
    expect(run.preflight?.tokenizer_agrees).toBe(false);
    expect(run.preflight!.token_ratio!).toBeLessThan(0.95);
    expect(run.progress).toMatchObject({ truncated: 0, token_mismatches: 6 });
    expect(run.warnings.map((w) => w.code)).toEqual(["token_mismatch", "tokenizer_disagrees"]);
  }, 40_000);
});
