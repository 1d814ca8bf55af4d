// The RULER suite inside workerd, end to end: against an endpoint that reads every prompt the way a
// perfect model would (test/ruler-oracle.ts) and counts it in cl100k_base, all 11 synthetic tasks at
// 4K and 16K score 100, every reported prompt lies within its budget, probes store their task and
// answers and rebuild byte for byte; the reference models run the same suite honestly; bad input is
// refused naming each field.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadTokenizer } from "../../src/probes/tokenizers";
import { hotpotFixture, squadFixture } from "../ruler-qa-fixture";
import { solveRuler } from "../ruler-oracle";
import { api, createRun, fakeUpstream, REFERENCE_URL, waitForStatus, type UpstreamCall } from "./helpers";

const TASKS = ["niah_single_1", "niah_single_2", "niah_single_3", "niah_multikey_1", "niah_multikey_2", "niah_multikey_3", "niah_multivalue", "niah_multiquery", "vt", "cwe", "fwe"];
const TO_GENERATE: Record<string, number> = { vt: 30, cwe: 120, fwe: 50 };
const SUITE = { type: "ruler", context_lengths: [4096, 16384], samples: 2, seed: 7 };

/** The qa fixtures' answers by question: what a perfect reader of the documents would say. */
const qaAnswers = new Map<string, string>();

/** Answers every prompt correctly, reporting the prompt's cl100k_base tokens as usage. */
async function perfectServer(call: UpstreamCall): Promise<Response> {
  if (call.method === "GET") return new Response("not found", { status: 404 });
  const prompt = call.body.prompt ?? "";
  const tokens = (await loadTokenizer("cl100k_base")).encode(prompt).length;
  const question = /Question: (.*) Answer:$/.exec(prompt)?.[1];
  const text = question !== undefined && qaAnswers.has(question) ? qaAnswers.get(question)! : solveRuler(prompt);
  return Response.json({ choices: [{ text: ` ${text}`, finish_reason: "stop" }], usage: { prompt_tokens: tokens, completion_tokens: 20 } });
}

function run(model: Record<string, unknown>, suite: Record<string, unknown> = SUITE, extra: Record<string, unknown> = {}) {
  return {
    model: { name: "perfect-reader", base_url: "https://models.example.com/v1", api: "completions", model: "served", tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 6, ...model },
    suites: [suite],
    public: true,
    ...extra,
  };
}

type Cell = { mean: number; low: number; high: number; n: number };
type Figures = { by_task: Record<string, { mean: number | null; by_length: Record<string, Cell> }>; average: number | null; average_by_length: Record<string, Cell>; effective_context_length: { ruler: { length: number | null }; relative: { length: number | null } } };
type Suite = { type: string; probes: number; scored: number; scores: Record<string, number | null>; ruler: Figures };
type Probe = { idx: number; context_length: number; status: string; prompt_tokens: number | null; expected_prompt_tokens: number | null; token_mismatch: boolean; prompt_sha256: string; facts: { suite: string; task: string; answers: string[]; prompt_tokens: number; tokens_to_generate: number } };

let perfect: { id: string; suite: Suite };

beforeAll(async () => {
  fakeUpstream(vi, perfectServer);
  const { id } = await createRun(run({}, SUITE, { series: "ruler-perfect", step: 1 }));
  const done = (await waitForStatus(id, ["succeeded", "failed"], 150_000)) as { status: string; suites: Suite[] };
  expect(done.status).toBe("succeeded");
  perfect = { id, suite: done.suites[0]! };
}, 180_000);

afterAll(() => vi.unstubAllGlobals());

describe("a RULER run against an endpoint that answers every task correctly", () => {
  it("scores 100 on each of the 11 synthetic tasks at 4K and 16K, and 100 on average", () => {
    const { suite } = perfect;
    expect(suite.probes).toBe(11 * 2 * 2);
    expect(suite.scored).toBe(suite.probes);
    for (const task of TASKS) {
      for (const length of ["4096", "16384"]) expect(suite.ruler.by_task[task]!.by_length[length], `${task} @ ${length}`).toMatchObject({ mean: 100, n: 2 });
      expect(suite.scores[task]).toBe(100);
    }
    expect(suite.scores.ruler).toBe(100);
    expect(suite.ruler.average_by_length["16384"]).toMatchObject({ mean: 100, low: 100, high: 100 });
    expect(suite.ruler.effective_context_length.ruler.length).toBe(16384);
  });

  it("sends every prompt within its budget (length − tokens_to_generate) and within 1 % of it, as the endpoint counts it", async () => {
    const { data } = (await (await api(`/v1/runs/${perfect.id}/probes?limit=100`)).json()) as { data: Probe[] };
    expect(data).toHaveLength(44);
    for (const probe of data) {
      const budget = probe.context_length - (TO_GENERATE[probe.facts.task] ?? 128);
      expect(probe.prompt_tokens, `probe ${probe.idx}`).toBe(probe.expected_prompt_tokens);
      expect(probe.prompt_tokens!).toBeLessThanOrEqual(budget);
      expect(probe.prompt_tokens!).toBeGreaterThanOrEqual(0.99 * budget);
      expect(probe.token_mismatch).toBe(false);
    }
  });

  it("stores each probe's task, sample and answers, and rebuilds its prompt byte for byte", async () => {
    for (const idx of [0, 21, 43]) {
      const probe = (await (await api(`/v1/runs/${perfect.id}/probes/${idx}`)).json()) as Probe;
      expect(probe.facts).toMatchObject({ suite: "ruler", task: expect.any(String), answers: expect.any(Array) });
      const prompt = (await (await api(`/v1/runs/${perfect.id}/probes/${idx}/prompt`)).json()) as { prompt: string; prompt_sha256: string };
      expect(prompt.prompt_sha256).toBe(probe.prompt_sha256);
      for (const answer of probe.facts.answers) expect(prompt.prompt).toContain(answer);
      const row = await env.DB.prepare("SELECT facts_json FROM probes WHERE run_id = ? AND idx = ?").bind(perfect.id, idx).first<{ facts_json: string }>();
      expect(JSON.parse(row!.facts_json)).toMatchObject({ suite: "ruler", task: probe.facts.task, answers: probe.facts.answers });
    }
  });

  it("plans a dry run with every probe and its prompt tokens, sending nothing", async () => {
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: run({}) });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as { suites: { type: string; probes: number; prompt_tokens: number; max_completion_tokens: number }[] };
    expect(plan.suites[0]).toMatchObject({ type: "ruler", probes: 44 });
    expect(plan.suites[0]!.prompt_tokens).toBeGreaterThan(22 * (4096 - 128 + 16384 - 128) * 0.99);
    expect(plan.suites[0]!.max_completion_tokens).toBe(2 * 2 * (8 * 128 + 30 + 120 + 50));
  });
});

describe("the RULER suite around the service", () => {
  it("puts the RULER average and effective length on the leaderboard, sortable, in CSV, beside RULER's reported rows", async () => {
    const { data } = (await (await api("/v1/leaderboard?suite=ruler&sort=ruler_effective_context_length&include=reported")).json()) as {
      data: { run_id: string | null; reported: boolean; source: string | null; suites: Record<string, Record<string, number>>; ruler_effective_context_length: number | null }[];
    };
    const measured = data.find((r) => r.run_id === perfect.id)!;
    expect(measured).toMatchObject({ reported: false, ruler_effective_context_length: 16384 });
    expect(measured.suites.ruler!.ruler).toBe(100);
    const reported = data.filter((r) => r.reported);
    expect(reported.find((r) => r.suites.ruler?.ruler === 91.6)).toMatchObject({ ruler_effective_context_length: 65536, source: expect.stringContaining("RULER") });
    const csv = await (await api("/v1/leaderboard?format=csv&suite=ruler")).text();
    const [header, first] = csv.split("\r\n");
    const columns = header!.split(",");
    expect(first!.split(",")[columns.indexOf("ruler_average")]).toBe("100");
    expect(first!.split(",")[columns.indexOf("ruler_effective_context_length")]).toBe("16384");
  });

  it("shows the task × length table on the run page and the trend on the series", async () => {
    const page = await (await api(`/runs/${perfect.id}`)).text();
    expect(page).toContain("RULER average 100.0 over 11 tasks; effective length 16K");
    for (const task of TASKS) expect(page).toContain(`data-task="${task}"`);
    const probePage = await (await api(`/runs/${perfect.id}/probes/0`)).text();
    expect(probePage).toContain("RULER task");
    const summary = await api(`/v1/runs/${perfect.id}/summary.md`);
    expect(summary.status).toBe(200);
    expect(await summary.text()).toContain("ruler");
    const series = (await (await api("/v1/series/ruler-perfect")).json()) as { metrics: string[]; points: { scores: Record<string, number>; ruler_effective_context_length: number | null }[] };
    expect(series.metrics).toContain("ruler.ruler");
    expect(series.points[0]).toMatchObject({ scores: { "ruler.ruler": 100 }, ruler_effective_context_length: 16384 });
    expect(await (await api("/series/ruler-perfect")).text()).toContain("RULER average (0–100)");
  });
});

describe("qa_1 and qa_2 over imported SQuAD and HotpotQA files", () => {
  async function importQa(task: string, json: string): Promise<string> {
    const res = await api(`/v1/datasets?task=${task}&name=${task}-fixture`, { method: "POST", body: json, headers: { "content-type": "application/json" } });
    expect(res.status, await res.clone().text()).toBe(201);
    const dataset = (await res.json()) as { id: string; task: string; questions: number; books: number };
    expect(dataset.task).toBe(task);
    return dataset.id;
  }

  it("imports both files streamed, runs both tasks and scores a perfect reader 100, within the budget", async () => {
    const squad = squadFixture(30, 5);
    const hotpot = hotpotFixture(60);
    for (const [q, a] of [...squad.answers, ...hotpot.answers]) qaAnswers.set(q, a);
    const ids = { qa_1: await importQa("ruler_squad", squad.json), qa_2: await importQa("ruler_hotpotqa", hotpot.json) };
    const suite = { type: "ruler", tasks: ["qa_1", "qa_2"], context_lengths: [4096, 8192], samples: 3, qa_datasets: ids };
    const { id } = await createRun(run({}, suite));
    const done = (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as { status: string; suites: Suite[] };
    expect(done.status).toBe("succeeded");
    expect(done.suites[0]!.scores).toMatchObject({ ruler: 100, qa_1: 100, qa_2: 100 });
    const { data } = (await (await api(`/v1/runs/${id}/probes?limit=100`)).json()) as { data: Probe[] };
    for (const probe of data) expect(probe.prompt_tokens!).toBeLessThanOrEqual(probe.context_length - 32);
    const prompt = (await (await api(`/v1/runs/${id}/probes/0/prompt`)).json()) as { prompt_sha256: string };
    expect(prompt.prompt_sha256).toBe(data[0]!.prompt_sha256);
  });

  it("refuses a qa task whose dataset is missing or of the other kind, and a malformed file", async () => {
    const hotpot = await importQa("ruler_hotpotqa", hotpotFixture(5).json);
    for (const [suite, pointer] of [
      [{ type: "ruler", tasks: ["qa_1"], qa_datasets: { qa_1: hotpot } }, "/suites/0/qa_datasets/qa_1"],
      [{ type: "ruler", tasks: ["qa_2"], qa_datasets: { qa_2: "ds_nope" } }, "/suites/0/qa_datasets/qa_2"],
      [{ type: "ruler", tasks: ["qa_2"], samples: 9, qa_datasets: { qa_2: hotpot } }, "/suites/0/samples"],
    ] as const) {
      const res = await api("/v1/runs", { method: "POST", json: run({}, suite) });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain(pointer);
    }
    const bad = await api("/v1/datasets?task=ruler_squad", { method: "POST", body: '{"data": [{"title": "x"}]}', headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/lines/1");
  });
});

describe("bad RULER specs", () => {
  it("are refused with one 422 naming each bad field, storing nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n;
    for (const [suite, pointers] of [
      [{ type: "ruler", tasks: ["niah_single_1", "niah_single_9"] }, ["/suites/0/tasks/1"]],
      [{ type: "ruler", context_lengths: [4096, 262144, 512] }, ["/suites/0/context_lengths/1", "/suites/0/context_lengths/2"]],
      [{ type: "ruler", samples: 0 }, ["/suites/0/samples"]],
      [{ type: "ruler", samples: 500 }, ["/suites/0/samples"]],
      [{ type: "ruler", tasks: ["qa_1", "vt", "qa_2"] }, ["/suites/0/tasks/0", "/suites/0/tasks/2"]],
    ] as const) {
      const res = await api("/v1/runs", { method: "POST", json: run({}, suite) });
      expect(res.status, JSON.stringify(suite)).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await res.json()) as { errors: { pointer: string; detail: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining([...pointers]));
    }
    expect((await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n).toBe(before);
  });
});

describe("the reference models on RULER", () => {
  it("answer by sentence retrieval: single needles found, aggregation and multi-hop tasks failed", async () => {
    vi.unstubAllGlobals();
    const scores: Record<string, Record<string, number | null>> = {};
    for (const model of ["extractive-128k", "extractive-4k"]) {
      const { id } = await createRun(run({ name: `${model} (reference)`, base_url: REFERENCE_URL, model }, { ...SUITE, samples: 2 }));
      const done = (await waitForStatus(id, ["succeeded"], 120_000)) as { suites: Suite[] };
      scores[model] = done.suites[0]!.scores;
    }
    console.log(`RULER reference scores: ${JSON.stringify(scores)}`);
    const wide = scores["extractive-128k"]!;
    expect(wide.niah_single_1).toBeGreaterThanOrEqual(75);
    expect(wide.cwe).toBeLessThanOrEqual(20);
    expect(wide.fwe).toBeLessThanOrEqual(40);
    expect(wide.ruler!).toBeLessThan(85.6);
    expect(scores["extractive-4k"]!.niah_single_1!).toBeLessThanOrEqual(wide.niah_single_1!);
  }, 240_000);
});
