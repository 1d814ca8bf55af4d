// Reasoning models inside workerd, against servers the tests stand in for: answers after a
// <think> block, or beside reasoning_content (streamed and not), score exactly like a plain
// model's; replies cut inside their reasoning are `incomplete` (counted, left out of the means);
// max_output_tokens reaches the request and the dry-run estimate.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, createRun, fakeUpstream, needleRun, waitForStatus, type UpstreamCall } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const NEEDLE_ANSWER = "eat a sandwich and sit in Dolores Park on a sunny day.";
const THOUGHT = "The question asks about San Francisco. The essay has one sentence about it; I will quote it.";
const grid = { suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 50, 100] }] };

type Run = {
  status: string;
  progress: Record<string, number>;
  usage: { completion_tokens: number };
  warnings: { code: string; count: number | null; message: string }[];
  suites: { scored: number; incomplete: number; scores: Record<string, number | null>; by_length: Record<string, Record<string, number | null>> }[];
};
type ProbeView = { status: string; response: string | null; reasoning: string | null; error: string | null; completion_tokens: number | null; scores: Record<string, number> | null };

const usage = { completion_tokens: 40 };
const completion = (text: string, finish = "stop") => Response.json({ choices: [{ index: 0, text, finish_reason: finish }], usage });
const chat = (message: Record<string, unknown>, finish = "stop") => Response.json({ choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }], usage });

/** A streamed chat reply: reasoning deltas, then the answer, then usage, as vLLM sends them. */
function streamedChat(reasoning: string[], answer: string): Response {
  const chunks = [
    { choices: [{ index: 0, delta: { role: "assistant" } }] },
    ...reasoning.map((piece) => ({ choices: [{ index: 0, delta: { reasoning_content: piece } }] })),
    { choices: [{ index: 0, delta: { content: answer }, finish_reason: "stop" }] },
    { choices: [], usage },
  ];
  const body = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** The server's answer to every probe call; bodiless GETs (the serving fingerprint) find nothing. */
const isGet = (call: UpstreamCall) => (call.body as unknown) === null;
const serve = (answer: (call: UpstreamCall) => Response) => (call: UpstreamCall) => (isGet(call) ? new Response("not found", { status: 404 }) : answer(call));

async function finished(body: unknown): Promise<{ id: string; run: Run; probes: ProbeView[] }> {
  const { id } = await createRun(body);
  const run = (await waitForStatus(id, ["failed", "succeeded"], 30_000)) as unknown as Run;
  const page = (await (await api(`/v1/runs/${id}/probes?limit=100`)).json()) as { data: ProbeView[] };
  return { id, run, probes: page.data };
}

describe("a reasoning model's answers", () => {
  it("score like a plain model's: after </think>, beside reasoning_content (plain JSON and streamed); the reasoning is kept apart", async () => {
    fakeUpstream(vi, serve(() => completion(` ${NEEDLE_ANSWER}`)));
    const plain = await finished(needleRun(grid));
    expect(plain.run.suites[0]!.scores.contains).toBe(100);

    fakeUpstream(vi, serve(() => completion(`<think>\n${THOUGHT}\n</think>\n\n${NEEDLE_ANSWER}`)));
    const inline = await finished(needleRun(grid));
    fakeUpstream(vi, serve(() => chat({ content: NEEDLE_ANSWER, reasoning_content: THOUGHT })));
    const field = await finished(needleRun(grid, { api: "chat", stream: false }));
    const streamCalls = fakeUpstream(vi, serve(() => streamedChat(THOUGHT.match(/.{1,20}/g)!, NEEDLE_ANSWER)));
    const streamed = await finished(needleRun(grid, { api: "chat" }));
    expect(streamCalls.some((c) => (c.body as { stream?: boolean }).stream === true)).toBe(true);

    for (const reasoning of [inline, field, streamed]) {
      expect(reasoning.run.status).toBe("succeeded");
      expect(reasoning.run.suites[0]!.scores).toEqual(plain.run.suites[0]!.scores);
      expect(reasoning.run.suites[0]!.by_length).toEqual(plain.run.suites[0]!.by_length);
      expect(reasoning.probes).toHaveLength(6);
      for (const probe of reasoning.probes) expect(probe).toMatchObject({ status: "scored", response: NEEDLE_ANSWER, reasoning: THOUGHT });
    }
    expect(plain.probes.every((p) => p.reasoning === null)).toBe(true);
    // Stored apart, and shown apart on the probe page.
    const row = await env.DB.prepare("SELECT response, reasoning FROM probes WHERE run_id = ? AND idx = 0").bind(inline.id).first<{ response: string; reasoning: string }>();
    expect(row).toEqual({ response: NEEDLE_ANSWER, reasoning: THOUGHT });
    const html = await (await api(`/runs/${inline.id}/probes/0`)).text();
    expect(html).toMatch(/<details class="probe-reasoning"><summary>Reasoning \(\d+ characters, not scored\)<\/summary><pre>The question asks about San Francisco/);
  }, 60_000);

  it("does not count a needle named only while thinking", async () => {
    fakeUpstream(vi, serve(() => completion(`<think>${NEEDLE_ANSWER}</think>I could not find it.`)));
    const { run } = await finished(needleRun(grid));
    expect(run.suites[0]!.scores.contains).toBe(0);
    // reasoning: false scores the text as it came, tags and all.
    const { run: raw } = await finished(needleRun(grid, { reasoning: false }));
    expect(raw.suites[0]!.scores.contains).toBe(100);
  }, 40_000);
});

describe("a reply cut inside its reasoning", () => {
  it("is incomplete: counted in progress and per suite, its usage counted, left out of the means", async () => {
    // The longer prompts leave the model thinking when max_tokens runs out.
    fakeUpstream(vi, serve((call) => ((call.body.prompt ?? "").length > 6000 ? completion("<think>\nLet me read the essay again, slowly", "length") : completion(`<think>ok</think>${NEEDLE_ANSWER}`))));
    const { run, probes } = await finished(needleRun(grid));
    expect(run.status).toBe("succeeded");
    expect(run.progress).toMatchObject({ done: 6, incomplete: 3, failed: 0, unscorable: 0 });
    expect(run.suites[0]).toMatchObject({ scored: 3, incomplete: 3 });
    expect(run.suites[0]!.scores.contains).toBe(100); // not 50: the cut replies are neither right nor wrong
    expect(run.suites[0]!.by_length["2000"]!.contains).toBeNull();
    expect(run.usage.completion_tokens).toBe(6 * 40);
    expect(run.warnings).toEqual([expect.objectContaining({ code: "incomplete", count: 3, message: expect.stringMatching(/^3 reasoning replies ended inside their reasoning, before an answer: raise max_output_tokens/) })]);
    const cut = probes.filter((p) => p.status === "incomplete");
    expect(cut).toHaveLength(3);
    for (const probe of cut) {
      expect(probe).toMatchObject({ scores: null, response: "", reasoning: "Let me read the essay again, slowly", completion_tokens: 40 });
      expect(probe.error).toBe("the reply ended inside its reasoning (finish_reason length after 35 chars of reasoning): raise max_output_tokens");
    }
  }, 40_000);

  it("reasoning_content with no answer yet, cut by length, is incomplete too", async () => {
    fakeUpstream(vi, serve(() => chat({ content: null, reasoning_content: "Still reading" }, "length")));
    const { run } = await finished(needleRun(grid, { api: "chat", stream: false }));
    expect(run.progress).toMatchObject({ done: 6, incomplete: 6 });
    expect(run.suites[0]!.scores.contains).toBeNull();
  }, 40_000);
});

describe("max_output_tokens", () => {
  it("is every generating call's max_tokens, and the dry run's completion estimate follows", async () => {
    const prices = { price_per_million_input: 1, price_per_million_output: 10 };
    const dry = async (model: Record<string, unknown>) =>
      (await (await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun(grid, { ...prices, ...model }) })).json()) as { max_completion_tokens: number; cost_usd: number; suites: { max_completion_tokens: number }[] };
    const suiteDefault = await dry({});
    const thinking = await dry({ max_output_tokens: 2000 });
    expect(suiteDefault.max_completion_tokens).toBe(6 * 50);
    expect(thinking.max_completion_tokens).toBe(6 * 2000);
    expect(thinking.suites[0]!.max_completion_tokens).toBe(6 * 2000);
    expect(thinking.cost_usd - suiteDefault.cost_usd).toBeCloseTo((6 * 1950 * 10) / 1e6, 9);

    const calls = fakeUpstream(vi, serve(() => completion(NEEDLE_ANSWER)));
    const { id } = await createRun(needleRun(grid, { max_output_tokens: 2000 }));
    await waitForStatus(id, ["succeeded", "failed"], 30_000);
    const probeCalls = calls.filter((c) => !isGet(c));
    expect(probeCalls.length).toBeGreaterThanOrEqual(6);
    expect(probeCalls.every((c) => c.body.max_tokens === 2000)).toBe(true);
    const prompt = (await (await api(`/v1/runs/${id}/probes/0/prompt`)).json()) as { max_tokens: number };
    expect(prompt.max_tokens).toBe(2000);
  }, 40_000);

  it("must fit the window with each needle and non-literal length: refused naming the length, nothing stored", async () => {
    const before = ((await (await api("/v1/runs")).json()) as { data: unknown[] }).data.length;
    const suites = [
      { type: "needle", context_lengths: [4096, 8192], depth_percents: [50] },
      { type: "nonliteral", context_lengths: [4096, 7000], depth_percents: [50] },
    ];
    const res = await api("/v1/runs", { method: "POST", json: needleRun({ suites }, { context_window: 8192, max_output_tokens: 2000 }) });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { pointer: string; detail: string }[] };
    expect(problem.errors).toEqual([
      expect.objectContaining({ pointer: "/suites/0/context_lengths/1", detail: "8192 plus max_output_tokens 2000 is above context_window 8192 (at most 6192)" }),
      expect.objectContaining({ pointer: "/suites/1/context_lengths/1", detail: "7000 plus max_output_tokens 2000 is above context_window 8192 (at most 6192)" }),
    ]);
    expect(((await (await api("/v1/runs")).json()) as { data: unknown[] }).data.length).toBe(before);
    const fits = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({ suites: [{ type: "needle", context_lengths: [4096, 6192], depth_percents: [50] }] }, { context_window: 8192, max_output_tokens: 2000 }) });
    expect(fits.status).toBe(200);
  });

  it("is refused out of range, naming the field", async () => {
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun(grid, { max_output_tokens: 0 }) });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("/model/max_output_tokens");
  });
});
