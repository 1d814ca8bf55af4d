// The multiple-choice (MMLU-format) suite around the service, inside workerd: against a fake
// endpoint that knows every answer it scores 100 by log-likelihood and by generation, against one
// that always answers "A" the share of A answers; auto scoring decides per endpoint and says so;
// an imported MMLU-format file runs the same way; Table 3, leaderboard, series, bad input.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SMOKE_TEST_ITEMS } from "../../src/probes/mmlu/smoke-set";
import { CHOICE_LETTERS } from "../../src/probes/mmlu/types";
import { api, completionBody, createRun, fakeUpstream, REFERENCE_URL, waitForStatus, type UpstreamCall } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

/** The question a prompt asks last: the text between its last blank line and its options. */
function lastQuestion(call: UpstreamCall): string {
  const text = call.body.prompt ?? (call.body.messages as { content: string }[]).at(-1)!.content;
  const last = text.slice(text.lastIndexOf("\n\n") + 2);
  return last.slice(0, last.indexOf("\nA. "));
}

const ANSWERS = new Map(SMOKE_TEST_ITEMS.map((item) => [item.question.trim(), CHOICE_LETTERS[item.answer]]));
const imported = new Map<string, string>();
const answerOf = (call: UpstreamCall) => ANSWERS.get(lastQuestion(call)) ?? imported.get(lastQuestion(call)) ?? "D";

/** An endpoint that knows the answers: top log-probabilities when asked for them (unless `plain`), else the letter. */
function knowing(options: { plain?: boolean; always?: string } = {}) {
  return (call: UpstreamCall) => {
    const letter = options.always ?? answerOf(call);
    const body = call.body as unknown as { logprobs?: number | boolean };
    if (body.logprobs !== undefined && !options.plain) {
      const top = Object.fromEntries(CHOICE_LETTERS.map((l) => [` ${l}`, l === letter ? -0.05 : -4]));
      return new Response(JSON.stringify({ choices: [{ text: ` ${letter}`, finish_reason: "length", logprobs: { top_logprobs: [top] } }], usage: { prompt_tokens: 500, completion_tokens: 1 } }));
    }
    return new Response(completionBody(` ${letter}`));
  };
}

function mmluRun(suite: Record<string, unknown> = {}, model: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    model: { name: "mc-model", base_url: "https://models.example.com/v1", api: "completions", model: "served", tokenizer: "cl100k_base", context_window: 8192, max_concurrency: 4, request_timeout_s: 30, ...model },
    suites: [{ type: "mmlu", ...suite }],
    public: true,
    ...extra,
  };
}

async function finished(body: unknown): Promise<Record<string, any>> {
  const { id } = await createRun(body);
  return (await waitForStatus(id, ["succeeded", "failed"], 60_000)) as Record<string, any>;
}

describe("the multiple-choice suite on the built-in smoke set", () => {
  it("scores 100 by log-likelihood against an endpoint that knows the answers, and records the mode", async () => {
    const calls = fakeUpstream(vi, knowing());
    const run = await finished(mmluRun());
    expect(run.status).toBe("succeeded");
    expect(run.mc_scoring).toEqual({ mode: "loglikelihood" });
    expect(run.suites[0].scores).toEqual({ micro: 100, macro: 100 });
    expect(run.suites[0].mmlu).toMatchObject({ scoring: "loglikelihood", shots: 5, shots_from: "dev", micro: { acc: 100, n: SMOKE_TEST_ITEMS.length } });
    expect(Object.keys(run.suites[0].mmlu.by_group).sort()).toEqual(["humanities", "other", "social_sciences", "stem"]);
    expect(calls[0]!.body).toMatchObject({ max_tokens: 1, logprobs: 5, temperature: 0 });
    expect(calls[0]!.body.prompt).toMatch(/^The following are multiple choice questions \(with answers\) about [a-z ]+\.\n\n/);
    expect(calls[0]!.body.prompt!.match(/\nAnswer: [ABCD]\n\n/g)).toHaveLength(5);
  });

  it("falls back to generation on an endpoint without top log-probabilities, saying why, and still scores 100", async () => {
    fakeUpstream(vi, knowing({ plain: true }));
    const run = await finished(mmluRun({ limit: 24 }));
    expect(run.mc_scoring).toMatchObject({ mode: "generate", reason: "the reply has no top log-probabilities" });
    expect(run.suites[0].scores.micro).toBe(100);
    expect(run.suites[0].mmlu.scoring).toBe("generate");
  });

  it("gives an endpoint that always answers A the share of questions whose answer is A, in both modes", async () => {
    const share = Math.round((10_000 * SMOKE_TEST_ITEMS.filter((i) => i.answer === 0).length) / SMOKE_TEST_ITEMS.length) / 100;
    fakeUpstream(vi, knowing({ always: "A" }));
    expect((await finished(mmluRun())).suites[0].scores.micro).toBe(share);
    expect((await finished(mmluRun({ scoring: "generate" }))).suites[0].scores.micro).toBe(share);
  });

  it("plans a dry run, and refuses unknown datasets, subjects and too many shots naming each field, storing nothing", async () => {
    const plan = (await (await api("/v1/runs?dry_run=true", { method: "POST", json: mmluRun() })).json()) as { suites: { type: string; probes: number }[] };
    expect(plan.suites[0]).toMatchObject({ type: "mmlu", probes: SMOKE_TEST_ITEMS.length });
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ dataset: "no-such-set" }, ["/suites/0/dataset"]],
      [{ subjects: ["astronomy", "alchemy"] }, ["/suites/0/subjects/1"]],
      [{ shots: 6 }, ["/suites/0/shots"]],
      [{ scoring: "judge" }, ["/suites/0/scoring"]],
    ];
    for (const [suite, pointers] of cases) {
      const res = await api("/v1/runs", { method: "POST", json: mmluRun(suite) });
      expect(res.status, JSON.stringify(suite)).toBe(422);
      expect(((await res.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(pointers));
    }
    expect((await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n).toBe(before);
  });
});

describe("an imported MMLU-format file", () => {
  const row = (subject: string, n: number, split?: string) => ({ question: `${subject} question ${n}?`, subject, choices: ["w", "x", "y", "z"], answer: n % 4, ...(split ? { split } : {}) });
  const lines = ["astronomy", "econometrics"].flatMap((subject) => [
    ...[1, 2, 3].map((n) => row(subject, n, "dev")),
    ...Array.from({ length: 8 }, (_, n) => row(subject, 10 + n)),
  ]);
  for (const r of lines) imported.set(r.question, CHOICE_LETTERS[r.answer]!);

  async function importFile(): Promise<string> {
    const res = await api("/v1/datasets?task=mmlu&name=tiny-mmlu", { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines.map((l) => JSON.stringify(l)).join("\n") });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  it("runs with its dev rows as shots, scores 100 in both modes, and refuses more shots than its dev split holds", async () => {
    const dataset = await importFile();
    fakeUpstream(vi, knowing());
    for (const scoring of ["loglikelihood", "generate"]) {
      const run = await finished(mmluRun({ dataset, shots: 3, scoring }));
      expect(run.suites[0].mmlu).toMatchObject({ scoring, shots_from: "dev", micro: { acc: 100, n: 16 }, macro: { acc: 100, subjects: 2 } });
      expect(run.suites[0].mmlu.by_group).toMatchObject({ stem: { n: 8 }, social_sciences: { n: 8 } });
    }
    const tooMany = await api("/v1/runs", { method: "POST", json: mmluRun({ dataset, shots: 5 }) });
    expect(tooMany.status).toBe(422);
    const problem = (await tooMany.json()) as { errors: { pointer: string; detail: string }[] };
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: "/suites/0/shots", detail: expect.stringContaining("astronomy: 3, econometrics: 3") })]);
  });
});

describe("retention where people look", () => {
  it("shows the Table 3 view beside the paper's rows, the leaderboard column and CSV, and the series trade-off chart", async () => {
    fakeUpstream(vi, (call) => (call.body.prompt?.startsWith("The following are") || (call.body as { logprobs?: unknown }).logprobs !== undefined ? knowing()(call) : new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day."))));
    const ids: string[] = [];
    for (const step of [100, 200]) {
      const run = await finished({
        ...mmluRun({ limit: 16 }, { name: `mc-7b@${step}` }, { series: "mc-7b", step }),
        suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 100] }, { type: "mmlu", limit: 16 }],
      });
      expect(run.status).toBe("succeeded");
      ids.push(run.id);
    }
    const table = await (await api("/table3")).text();
    expect(table).toContain("mc-7b@200");
    expect(table).toContain("GPT-3.5-Turbo");
    expect(table).toContain("86.4");
    const csv = await (await api("/v1/leaderboard?series=mc-7b&format=csv")).text();
    expect(csv.split("\r\n")[0]).toContain("mmlu_micro,mmlu_macro");
    const { data } = (await (await api("/v1/leaderboard?suite=mmlu&sort=mmlu.micro&include=reported")).json()) as { data: { reported: boolean; suites: Record<string, Record<string, number>> }[] };
    expect(data.some((r) => r.reported && r.suites.mmlu?.micro === 86.4)).toBe(true);
    const series = (await (await api("/v1/series/mc-7b")).json()) as { metrics: string[] };
    expect(series.metrics).toContain("mmlu.micro");
    const page = await (await api("/series/mc-7b")).text();
    expect(page).toContain("Needle (paper, solid) and multiple-choice accuracy (dashed) over the series");
    const runPage = await (await api(`/runs/${ids[1]}`)).text();
    expect(runPage).toContain("Short-context retention (multiple choice)");
    expect(runPage).toContain('data-subject="');
  });
});

describe("the reference models on the smoke set", () => {
  it("are scored by log-likelihood from their cache language model's top log-probabilities", async () => {
    for (const model of ["extractive-128k", "extractive-4k"]) {
      const run = await finished(mmluRun({}, { name: `${model} (reference)`, base_url: REFERENCE_URL, model, context_window: 131072 }));
      expect(run.status).toBe("succeeded");
      expect(run.mc_scoring).toEqual({ mode: "loglikelihood" });
      expect(run.progress).toMatchObject({ failed: 0, unscorable: 0 });
      expect(run.suites[0].mmlu.micro.n).toBe(SMOKE_TEST_ITEMS.length);
      const generated = await finished(mmluRun({ scoring: "generate" }, { name: `${model} (reference)`, base_url: REFERENCE_URL, model, context_window: 131072 }));
      expect(generated.suites[0].mmlu).toMatchObject({ scoring: "generate", micro: { n: SMOKE_TEST_ITEMS.length } });
      console.log(`${model}: smoke-set micro ${run.suites[0].scores.micro} (loglikelihood), ${generated.suites[0].scores.micro} (generate); macro ${run.suites[0].scores.macro}, ${generated.suites[0].scores.macro}`);
    }
  }, 120_000);
});
