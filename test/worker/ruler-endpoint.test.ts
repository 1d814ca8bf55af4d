// RULER with tokenizer "endpoint" inside workerd, against a vLLM-style server whose tokenizer is not
// the proxy's: its /tokenize route and its usage count in LLaMA-2 (with SentencePiece's dummy-prefix
// space; usage adds a BOS), while prompts are generated in cl100k_base. With the route every
// prompt lands within its budget and within 1 % of it in LLaMA-2 tokens, a perfect reader scores
// 100, and prompts rebuild to their hash without calling the route again; without the route the run
// calibrates and says its lengths are approximate.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadTokenizer } from "../../src/probes/tokenizers";
import type { Tokenizer } from "../../src/probes/types";
import { solveRuler } from "../ruler-oracle";
import { api, createRun, fakeUpstream, probeRows, waitForStatus, type UpstreamCall } from "./helpers";

const TASKS = ["niah_single_1", "niah_single_2", "vt", "cwe", "fwe"];
const TO_GENERATE: Record<string, number> = { vt: 30, cwe: 120, fwe: 50 };
const LENGTHS = [4096, 8192];
const SUITE = { type: "ruler", tasks: TASKS, context_lengths: LENGTHS, samples: 2, seed: 11 };

let llama: Tokenizer;
let upstream: UpstreamCall[];
/** The server's count of a text: LLaMA-2 with its dummy-prefix space, as a HF LLaMA tokenizer behind vLLM counts. */
const serverCount = (text: string) => llama.encode(" " + text).length;
const tokenizeCalls: { model: string; withPieces: boolean }[] = [];

/** vLLM look-alike: /tokenize (models named *-route only), completions and chat answered by a perfect reader. */
async function llamaServer(call: UpstreamCall): Promise<Response> {
  const body = call.body as unknown as Record<string, unknown>;
  if (call.url.endsWith("/tokenize")) {
    if (!String(body.model).endsWith("-route")) return Response.json({ detail: "Not Found" }, { status: 404 });
    tokenizeCalls.push({ model: String(body.model), withPieces: body.return_token_strs === true });
    const tokens = llama.encode(" " + String(body.prompt));
    return Response.json({ count: tokens.length, max_model_len: 131072, tokens, token_strs: null });
  }
  const chat = call.url.endsWith("/chat/completions");
  const text = chat ? (call.body.messages as { content: string }[]).map((m) => m.content).join("") : call.body.prompt!;
  const answer = ` ${solveRuler(text)}`;
  const usage = { prompt_tokens: 1 + serverCount(text) + (chat ? 8 : 0), completion_tokens: 20 };
  return Response.json({ choices: [chat ? { message: { role: "assistant", content: answer }, finish_reason: "stop" } : { text: answer, finish_reason: "stop" }], usage });
}

function endpointRun(model: string, api_: "completions" | "chat" = "completions", suite: Record<string, unknown> = SUITE) {
  return {
    model: { name: `llama-${model}`, base_url: "https://models.example.com/v1", api: api_, model, tokenizer: "endpoint", context_window: 131072, max_concurrency: 4 },
    suites: [suite],
  };
}

type Cell = { mean: number; n: number };
type Suite = { probes: number; scored: number; scores: Record<string, number | null>; ruler: { by_task: Record<string, { by_length: Record<string, Cell> }> } };
type Probe = { idx: number; context_length: number; status: string; prompt_tokens: number | null; expected_prompt_tokens: number; constructed_tokens: number; token_mismatch: boolean; prompt_sha256: string; facts: { task: string; answers: string[]; prompt_tokens: number } };
type Rebuilt = { prompt?: string; messages?: { content: string }[]; prompt_sha256: string; constructed_tokens: number };

async function probesOf(id: string): Promise<Probe[]> {
  return ((await (await api(`/v1/runs/${id}/probes?limit=100`)).json()) as { data: Probe[] }).data;
}

const budgetOf = (probe: Probe) => probe.context_length - (TO_GENERATE[probe.facts.task] ?? 128);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

beforeAll(async () => {
  llama = await loadTokenizer("llama2");
  upstream = fakeUpstream(vi, llamaServer);
});

afterAll(() => vi.unstubAllGlobals());

describe('RULER with tokenizer "endpoint" and a tokenize route', () => {
  let run: { id: string; suite: Suite; tokenization: Record<string, unknown>; lengths_approximate: boolean };

  beforeAll(async () => {
    const { id } = await createRun(endpointRun("llama-route"));
    const done = (await waitForStatus(id, ["succeeded", "failed"], 150_000)) as Record<string, any>;
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    run = { id, suite: done.suites[0], tokenization: done.tokenization, lengths_approximate: done.lengths_approximate };
  }, 180_000);

  it("counts through the route (counts only: no pieces asked for) and scores a perfect reader 100 on every task and length", () => {
    expect(run.lengths_approximate).toBe(false);
    expect(run.tokenization).toMatchObject({ mode: "route", flavor: "vllm", route: "https://models.example.com/tokenize" });
    expect(run.suite.scored).toBe(TASKS.length * LENGTHS.length * 2);
    for (const task of TASKS) for (const length of LENGTHS) expect(run.suite.ruler.by_task[task]!.by_length[String(length)], `${task} @ ${length}`).toMatchObject({ mean: 100, n: 2 });
    expect(run.suite.scores.ruler).toBe(100);
    expect(tokenizeCalls.every((c) => !c.withPieces)).toBe(true);
  });

  it("puts every prompt within its budget and within 1 % of it in the server's tokens; the server's usage agrees", async () => {
    const probes = await probesOf(run.id);
    const rows = await probeRows(run.id);
    for (const probe of probes) {
      const rebuilt = (await (await api(`/v1/runs/${run.id}/probes/${probe.idx}/prompt`)).json()) as Rebuilt;
      const count = serverCount(rebuilt.prompt!);
      const where = `probe ${probe.idx} (${probe.facts.task} @ ${probe.context_length})`;
      expect(count, where).toBeLessThanOrEqual(budgetOf(probe));
      expect(count, where).toBeGreaterThanOrEqual(0.99 * budgetOf(probe));
      expect(probe.expected_prompt_tokens, where).toBe(count);
      expect(probe.facts.prompt_tokens, where).toBe(count);
      expect(probe.prompt_tokens, where).toBe(count + 1); // the server's BOS
      expect(probe.token_mismatch, where).toBe(false);
      const build = JSON.parse(rows.find((r) => r.idx === probe.idx)!.build_json as string) as Record<string, number | string>;
      expect(build).toMatchObject({ mode: "route", prompt_tokens: count, expected_prompt_tokens: count, proxy_budget: expect.any(Number), proxy_tokens: expect.any(Number) });
    }
    // Route counts per probe: the run's discovery call aside.
    const perProbe = (tokenizeCalls.filter((c) => c.model === "llama-route").length - 1) / probes.length;
    console.log(`RULER endpoint route: ${perProbe.toFixed(2)} tokenize calls per probe; short of the budget by ${median(probes.map((p) => budgetOf(p) - p.expected_prompt_tokens))} tokens (median)`);
    expect(perProbe).toBeLessThanOrEqual(4);
  });

  it("rebuilds every prompt to its prompt_sha256 from the stored proxy budget, without a tokenize call", async () => {
    const before = tokenizeCalls.length;
    for (const probe of await probesOf(run.id)) {
      const rebuilt = (await (await api(`/v1/runs/${run.id}/probes/${probe.idx}/prompt`)).json()) as Rebuilt;
      expect(rebuilt.prompt_sha256).toBe(probe.prompt_sha256);
      expect(rebuilt.constructed_tokens).toBe(probe.expected_prompt_tokens);
      for (const answer of probe.facts.answers) expect(rebuilt.prompt).toContain(answer);
    }
    expect(tokenizeCalls.length).toBe(before);
  });
});

describe('RULER dry runs with tokenizer "endpoint"', () => {
  it("plan every probe at its budget, sending nothing", async () => {
    const before = upstream.length;
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: endpointRun("dry-route") });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as { suites: { type: string; probes: number; prompt_tokens: number }[] };
    const budgets = TASKS.reduce((sum, task) => sum + LENGTHS.reduce((s, l) => s + l - (TO_GENERATE[task] ?? 128), 0), 0);
    expect(plan.suites[0]).toMatchObject({ type: "ruler", probes: TASKS.length * LENGTHS.length * 2, prompt_tokens: 2 * budgets });
    expect(upstream.length).toBe(before);
  });
});

describe('RULER chat runs with tokenizer "endpoint"', () => {
  it("hit the budget too (the prompt is the one user message)", async () => {
    const { id } = await createRun(endpointRun("chat-route", "chat", { ...SUITE, tasks: ["niah_single_2", "cwe"], context_lengths: [4096], samples: 1 }));
    const done = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
    expect(done.status).toBe("succeeded");
    expect(done.suites[0].scores.ruler).toBe(100);
    for (const probe of await probesOf(id)) {
      const rebuilt = (await (await api(`/v1/runs/${id}/probes/${probe.idx}/prompt`)).json()) as Rebuilt;
      const count = serverCount(rebuilt.messages![0]!.content);
      expect(count).toBeLessThanOrEqual(budgetOf(probe));
      expect(count).toBeGreaterThanOrEqual(0.99 * budgetOf(probe));
      expect(rebuilt.prompt_sha256).toBe(probe.prompt_sha256);
    }
  });
});

describe('RULER with tokenizer "endpoint" and no tokenize route', () => {
  it("calibrates against usage.prompt_tokens, marks its lengths approximate, and still scores a perfect reader 100", async () => {
    const { id } = await createRun(endpointRun("llama-plain"));
    const done = (await waitForStatus(id, ["succeeded", "failed"], 150_000)) as Record<string, any>;
    expect(done.status).toBe("succeeded");
    expect(done.lengths_approximate).toBe(true);
    expect(done.tokenization).toMatchObject({ mode: "calibrated", proxy: "cl100k_base" });
    expect(done.suites[0].scores.ruler).toBe(100);
    expect(tokenizeCalls.some((c) => c.model === "llama-plain")).toBe(false);
    const off: Record<string, number[]> = {};
    for (const probe of await probesOf(id)) {
      const rebuilt = (await (await api(`/v1/runs/${id}/probes/${probe.idx}/prompt`)).json()) as Rebuilt;
      expect(rebuilt.prompt_sha256).toBe(probe.prompt_sha256);
      // Estimated within the budget; the server's own count shows how close the estimate was.
      expect(probe.constructed_tokens).toBeLessThanOrEqual(budgetOf(probe));
      (off[probe.facts.task] ??= []).push((serverCount(rebuilt.prompt!) - budgetOf(probe)) / budgetOf(probe));
    }
    const percent = Object.fromEntries(Object.entries(off).map(([task, xs]) => [task, `${(100 * Math.min(...xs)).toFixed(1)}…${(100 * Math.max(...xs)).toFixed(1)} %`]));
    // One measuring call per (task, length) cell, and per probe for fwe; the run's prose line alone would put cwe ~35 % over.
    const measuring = upstream.filter((c) => c.body.model === "llama-plain" && c.body.max_tokens === 1).length - done.tokenization.samples;
    console.log(`RULER endpoint calibrated (run ratio ${done.tokenization.ratio.toFixed(3)}, ${measuring} measuring calls for ${TASKS.length * LENGTHS.length} cells): server tokens vs budget per task ${JSON.stringify(percent)}`);
    expect(measuring).toBeGreaterThanOrEqual((TASKS.length - 1) * LENGTHS.length + 2 * LENGTHS.length);
    expect(measuring).toBeLessThanOrEqual(TASKS.length * LENGTHS.length * 2);
    for (const [task, xs] of Object.entries(off)) for (const x of xs) expect(Math.abs(x), task).toBeLessThan(0.03);
  }, 180_000);
});
