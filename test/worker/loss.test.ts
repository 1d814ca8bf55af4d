// The loss suite around the service, inside workerd: a fake vLLM at models.example.com returns
// prompt log-probabilities that are a known function of position, so every probe's loss and every
// bucket of the position curve can be checked to 1e-6; discovery, refusal, misalignment, series,
// leaderboard, pages, dry runs and bad input on the real queue and D1.
import { env } from "cloudflare:workers";
import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, completionBody, createRun, fakeUpstream, REFERENCE_URL, waitForStatus, type UpstreamCall } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const SPECIALS_AS_TEXT = { disallowedSpecial: new Set<string>() };
const LENGTHS = [1000, 3000];

/** NLL the fake server gives position i (0-based, i ≥ 1) of a prompt; `scale` tells checkpoints apart. */
const nllAt = (i: number, scale: number) => scale * (0.5 + ((i * 7919) % 13) / 10);

/** What our definition makes of that: mean over positions 2…L, and per bucket of positions. */
function expectedLoss(length: number, scale: number): number {
  let sum = 0;
  for (let i = 1; i < length; i++) sum += nllAt(i, scale);
  return sum / (length - 1);
}
function expectedBucket(from: number, to: number, scale: number): number {
  let sum = 0;
  for (let p = Math.max(from, 2); p <= to; p++) sum += nllAt(p - 1, scale);
  return sum / (to - Math.max(from, 2) + 1);
}

const SCALES: Record<string, number> = { "ckpt-100": 1.2, "ckpt-200": 1, "ckpt-300": 1.1, served: 1 };

/** vLLM with prompt_logprobs but without echo (so discovery needs its second form); `drop` entries cut misalign it. */
function vllm(options: { drop?: number; none?: boolean } = {}) {
  return (call: UpstreamCall) => {
    const body = call.body as unknown as { model: string; prompt?: string; echo?: boolean; prompt_logprobs?: number };
    const refuse = () => new Response(JSON.stringify({ error: { message: "not supported here" } }), { status: 400 });
    if (body.echo || call.url.endsWith("/generate")) return refuse();
    if (body.prompt_logprobs === undefined) return new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day."));
    if (options.none) return refuse();
    const ids = encode(body.prompt ?? "", SPECIALS_AS_TEXT).slice(options.drop ?? 0);
    const scale = SCALES[body.model] ?? 1;
    const entries = ids.map((id, i) => (i === 0 ? null : { [String(id)]: { logprob: -nllAt(i, scale), rank: 1, decoded_token: "t" } }));
    return new Response(JSON.stringify({ choices: [{ text: "x", prompt_logprobs: entries }], usage: { prompt_tokens: ids.length, completion_tokens: 1 } }));
  };
}

function lossRun(model = "served", suite: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    model: { name: `loss-${model}`, base_url: "https://models.example.com/v1", api: "completions", model, tokenizer: "cl100k_base", context_window: 8192, max_concurrency: 1, request_timeout_s: 30 },
    suites: [{ type: "loss", domains: ["sotu", "moby-dick"], context_lengths: LENGTHS, documents: 2, ...suite }],
    public: true,
    ...extra,
  };
}

type ProbeJson = { idx: number; context_length: number; item: number; status: string; error: string | null; scores: Record<string, number> | null; prompt_tokens: number };

async function probesOf(id: string): Promise<ProbeJson[]> {
  return ((await (await api(`/v1/runs/${id}/probes?limit=500`)).json()) as { data: ProbeJson[] }).data;
}

describe("the loss suite against an endpoint whose prompt log-probabilities are known", () => {
  it("discovers the form once, reproduces every probe's loss and position curve to 1e-6, and aggregates per domain", async () => {
    const calls = fakeUpstream(vi, vllm());
    const { id } = await createRun(lossRun());
    const run = (await waitForStatus(id, ["succeeded", "failed"])) as Record<string, any>;
    expect(run.status).toBe("succeeded");
    expect(run.prompt_logprobs).toEqual({ form: "prompt_logprobs" });
    expect(run.progress).toMatchObject({ total: 8, failed: 0, unscorable: 0, token_mismatches: 0 });
    // The first probe tried echo (refused) and then prompt_logprobs; every later one asked in the found form only.
    expect(calls.filter((c) => (c.body as { echo?: boolean }).echo).length).toBe(1);
    expect(calls.length).toBe(8 + 1);
    for (const probe of await probesOf(id)) {
      expect(probe.status).toBe("scored");
      expect(probe.prompt_tokens).toBe(probe.context_length);
      expect(Math.abs(probe.scores!.loss! - expectedLoss(probe.context_length, 1))).toBeLessThan(1e-6);
      if (probe.context_length === 3000) {
        expect(Math.abs(probe.scores!.pos_1024! - expectedBucket(1, 1024, 1))).toBeLessThan(1e-6);
        expect(Math.abs(probe.scores!.pos_2048! - expectedBucket(1025, 2048, 1))).toBeLessThan(1e-6);
        expect(Math.abs(probe.scores!.pos_3000! - expectedBucket(2049, 3000, 1))).toBeLessThan(1e-6);
      }
    }
    const [first] = await probesOf(id);
    const prompt = (await (await api(`/v1/runs/${id}/probes/${first!.idx}/prompt`)).json()) as { api: string; prompt: string; max_tokens: number };
    expect(prompt).toMatchObject({ api: "completions", max_tokens: 1 });
    expect(encode(prompt.prompt, SPECIALS_AS_TEXT)).toHaveLength(first!.context_length); // rebuilt, exactly L tokens
    expect(calls.some((c) => c.body.prompt === prompt.prompt)).toBe(true);
    expect((await api(`/runs/${id}/probes/${first!.idx}`)).status).toBe(200);
    const doc = (await (await api("/openapi.json")).json()) as { components: { schemas: Record<string, unknown> } };
    expect(doc.components.schemas).toHaveProperty("LossSuiteSpec");
    expect(JSON.stringify(doc.components.schemas)).toContain("position_curve");
    const figures = run.suites[0].loss;
    expect(figures.domains).toEqual(["sotu", "moby-dick"]);
    expect(figures.by_domain.sotu["3000"]).toMatchObject({ documents: 2 });
    expect(Math.abs(figures.loss_at["1000"].loss - expectedLoss(1000, 1))).toBeLessThan(1e-6);
    expect(figures.position_curve["moby-dick"].buckets.map((b: { to: number }) => b.to)).toEqual([1024, 2048, 3000]);
    expect(Math.abs(figures.position_curve["moby-dick"].buckets[1].nll - expectedBucket(1025, 2048, 1))).toBeLessThan(1e-6);
    expect(Math.abs(run.suites[0].scores.loss - (expectedLoss(1000, 1) + expectedLoss(3000, 1)) / 2)).toBeLessThan(1e-6);
  });

  it("refuses the suite at its first probe when the endpoint has no prompt log-probabilities, naming every form — never a zero loss", async () => {
    const calls = fakeUpstream(vi, vllm({ none: true }));
    const { id } = await createRun({ ...lossRun(), suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }, { type: "loss", domains: ["sotu"], context_lengths: [1000], documents: 3 }] });
    const run = (await waitForStatus(id, ["succeeded", "failed"])) as Record<string, any>;
    expect(run.prompt_logprobs.form).toBeNull();
    expect(run.error).toMatch(/^suite 1 \(loss\) failed: the endpoint returns no prompt log-probabilities; tried completions with echo \+ logprobs: HTTP 400.*prompt_logprobs: HTTP 400.*\/generate with decoder_input_details: HTTP 400/);
    const loss = (await probesOf(id)).filter((p) => p.item !== null);
    expect(loss.map((p) => p.status)).toEqual(["failed", "failed", "failed"]);
    expect(loss.every((p) => p.scores === null)).toBe(true);
    expect(run.suites[1].scores).toEqual({ loss: null, perplexity: null });
    expect(calls.length).toBe(1 + 3); // the needle probe, and the three forms tried once
  });

  it("makes a reply whose log-probabilities do not line up with our tokens unscorable, with the reason", async () => {
    fakeUpstream(vi, vllm({ drop: 5 }));
    const { id } = await createRun(lossRun("served", { domains: ["sotu"], context_lengths: [1000], documents: 1 }));
    await waitForStatus(id, ["succeeded", "failed"]);
    const [probe] = await probesOf(id);
    expect(probe).toMatchObject({ status: "unscorable", scores: null });
    expect(probe!.error).toMatch(/returned 995 prompt log-probabilities for a 1000-token text/);
  });
});

describe("loss where people look", () => {
  it("trends Loss@L over a series, flags a rise beyond the margin, and shows it on the pages, the leaderboard and in CSV", async () => {
    fakeUpstream(vi, vllm());
    const ids: string[] = [];
    for (const [model, step] of [["ckpt-100", 100], ["ckpt-200", 200], ["ckpt-300", 300]] as const) {
      const { id } = await createRun(lossRun(model, { domains: ["sotu"], documents: 1 }, { series: "loss-7b", step }));
      await waitForStatus(id, ["succeeded"]);
      ids.push(id);
    }
    const series = (await (await api("/v1/series/loss-7b")).json()) as { points: { loss_at: Record<string, number>; regression: boolean }[] };
    const at1k = series.points.map((p) => p.loss_at["1000"]!);
    expect(at1k[0]! > at1k[1]! && at1k[2]! > at1k[1]!).toBe(true);
    expect(series.points.map((p) => p.regression)).toEqual([false, false, true]);
    const last = (await (await api(`/v1/runs/${ids[2]}`)).json()) as { regression: { loss_margin: number; drops: Record<string, number> } };
    expect(last.regression.loss_margin).toBe(0.05);
    expect(last.regression.drops["loss@1000"]).toBeCloseTo(at1k[2]! - at1k[1]!, 4);

    const { data } = (await (await api("/v1/leaderboard?series=loss-7b&sort=loss@32000")).json()) as { data: { run_id: string; loss_at: Record<string, number> }[] };
    expect(data.map((r) => r.run_id).sort()).toEqual([...ids].sort());
    const byLoss = (await (await api("/v1/leaderboard?series=loss-7b&suite=loss&sort=loss@1000")).json()) as { data: { run_id: string }[] };
    expect(byLoss.data.map((r) => r.run_id)).toEqual([ids[1], ids[2], ids[0]]); // smallest loss first without dir
    const csv = await (await api("/v1/leaderboard?series=loss-7b&format=csv")).text();
    expect(csv.split("\r\n")[0]).toContain("loss_1000,loss_4000,loss_16000,loss_32000,loss_64000,loss_128000");

    const page = await (await api(`/runs/${ids[1]}`)).text();
    expect(page).toContain("Loss by context length");
    expect(page).toContain('data-domain="sotu"');
    expect(page).toContain("sotu: NLL by position in 3K-token texts");
    const seriesPage = await (await api("/series/loss-7b")).text();
    expect(seriesPage).toContain("Loss@1K over the series");
    expect(seriesPage).toContain("Loss@3K");
  });

  it("plans a dry run with every text's tokens, and refuses bad lengths and domains naming each field, storing nothing", async () => {
    const plan = (await (await api("/v1/runs?dry_run=true", { method: "POST", json: lossRun() })).json()) as { suites: { type: string; probes: number; prompt_tokens: number }[] };
    expect(plan.suites[0]).toMatchObject({ type: "loss", probes: 8, prompt_tokens: 4 * (1000 + 3000) });
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n;
    const res = await api("/v1/runs", { method: "POST", json: lossRun("served", { domains: ["sotu", "no-such-corpus"], context_lengths: [1000, 9000, 8] }) });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(["/suites/0/context_lengths/1", "/suites/0/context_lengths/2", "/suites/0/domains/1"]));
    const endpointTokens = await api("/v1/runs", { method: "POST", json: { ...lossRun(), model: { ...lossRun().model, tokenizer: "endpoint" } } });
    expect(endpointTokens.status).toBe(422);
    const upload = await api("/v1/corpora", { method: "POST", json: { name: "short", files: [{ name: "a.txt", text: "A short text. ".repeat(100) }] } });
    const { id: shortId } = (await upload.json()) as { id: string };
    const short = await api("/v1/runs", { method: "POST", json: lossRun("served", { domains: ["sotu", shortId] }) });
    expect(short.status).toBe(422);
    const shortProblem = (await short.json()) as { errors: { pointer: string; detail: string }[] };
    expect(shortProblem.errors).toEqual([expect.objectContaining({ pointer: "/suites/0/domains/1", detail: expect.stringMatching(/has \d+ cl100k_base tokens; the longest context length asks for 3000/) })]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n).toBe(before);
  });
});

describe("the reference models' language model", () => {
  it("answers in the echo form; the 128K model's loss keeps falling with context, the 4K one's flattens past its window", async () => {
    const runs: Record<string, any> = {};
    for (const model of ["extractive-128k", "extractive-4k"]) {
      const { id } = await createRun({
        model: { name: `${model} (reference)`, base_url: REFERENCE_URL, api: "completions", model, tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 4, request_timeout_s: 120 },
        suites: [{ type: "loss", domains: ["moby-dick"], context_lengths: [1000, 4000, 16000], documents: 2 }],
      });
      runs[model] = await waitForStatus(id, ["succeeded", "failed"], 120_000);
      expect(runs[model].status).toBe("succeeded");
      expect(runs[model].prompt_logprobs).toEqual({ form: "echo" });
      expect(runs[model].progress).toMatchObject({ failed: 0, unscorable: 0, token_mismatches: 0 });
    }
    const at = (model: string, length: number) => runs[model].suites[0].loss.loss_at[String(length)].loss as number;
    const buckets = (model: string) => runs[model].suites[0].loss.position_curve["moby-dick"].buckets as { to: number; nll: number }[];
    expect(at("extractive-128k", 16000)).toBeLessThan(at("extractive-128k", 4000));
    expect(at("extractive-128k", 4000)).toBeLessThan(at("extractive-128k", 1000));
    const long = buckets("extractive-128k");
    const short = buckets("extractive-4k");
    expect(long.map((b) => b.to)).toEqual([1024, 2048, 4096, 8192, 16000]);
    expect(long[4]!.nll).toBeLessThan(long[2]!.nll); // still learning from context after 4K
    expect(short[4]!.nll).toBeGreaterThan(long[4]!.nll); // the 4K window forgets what came before it
    expect(Math.abs(short[4]!.nll - short[3]!.nll)).toBeLessThan(Math.abs(long[4]!.nll - long[2]!.nll)); // flattened
  });
});
