// The non-literal suite inside workerd, end to end against the reference models: a keyword search
// (extractive-128k) stays near the ceiling on literal pairs and falls on one- and two-hop pairs, and
// the figures reach the run, its probes, the heatmap, the leaderboard, the series, the page and the plan.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createRun, REFERENCE_URL, waitForStatus } from "./helpers";

const SUITE = { type: "nonliteral", context_lengths: [1000, 16000], depth_percents: [0, 50, 100], distractors: 4, pairs: 2 };

function run(model: string, step: number, suite: Record<string, unknown> = SUITE) {
  return {
    model: { name: `${model} (reference)`, base_url: REFERENCE_URL, model, tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 6 },
    suites: [suite],
    public: true,
    series: "nl-reference",
    step,
  };
}

type Figures = {
  kinds: string[];
  by_kind: Record<string, { scores: Record<string, number | null>; effective_context_length: { relative: { length: number | null } } }>;
  pooled: { scores: Record<string, number | null>; effective_context_length: { relative: { length: number | null }; absolute: { length: number | null } } };
  literal_gap: { relative: { length: number | null; low: number | null; high: number | null } };
};
type Suite = { type: string; scores: Record<string, number | null>; scored: number; probes: number; nonliteral: Figures; effective_context_length?: { length: number | null } };
type Run = { id: string; status: string; suites: Suite[] };

const runs: Record<string, Run> = {};

beforeAll(async () => {
  const ids = { wide: (await createRun(run("extractive-128k", 1))).id, narrow: (await createRun(run("extractive-4k", 2))).id };
  for (const [key, id] of Object.entries(ids)) runs[key] = (await waitForStatus(id, ["succeeded"], 60_000)) as unknown as Run;
}, 90_000);

describe("a non-literal run against the keyword-search reference model", () => {
  it("scores literal pairs near the ceiling and one- and two-hop pairs far below, distracted by the near misses", () => {
    const suite = runs.wide!.suites[0]!;
    expect(suite.scored).toBe(suite.probes);
    expect(suite.probes).toBe(2 * 3 * 3 * 2);
    expect(suite.scores.literal).toBeGreaterThanOrEqual(90);
    expect(suite.scores.one_hop).toBeLessThanOrEqual(10);
    expect(suite.scores.two_hop).toBeLessThanOrEqual(10);
    expect(suite.scores.nonliteral).toBeLessThanOrEqual(10);
    expect(suite.nonliteral.pooled.scores.distracted).toBeGreaterThanOrEqual(50);
    expect(suite.nonliteral.by_kind.literal!.scores.distracted).toBe(0);
  });

  it("reports the literal gap: literal holds to 16K, the inferred kinds pass no length", () => {
    const figures = runs.wide!.suites[0]!.nonliteral;
    expect(figures.by_kind.literal!.effective_context_length.relative.length).toBe(16000);
    expect(figures.pooled.effective_context_length.absolute.length).toBeNull();
    expect(figures.literal_gap.relative.length).toBe(16000);
  });

  it("the 4K-window model misses literal needles early in a 16K haystack", () => {
    const [wide, narrow] = [runs.wide!.suites[0]!, runs.narrow!.suites[0]!];
    expect(narrow.scores.literal!).toBeLessThan(wide.scores.literal!);
  });
});

describe("a non-literal probe", () => {
  it("stores its facts, and its prompt rebuilds byte for byte with the needle and distractors in it", async () => {
    const id = runs.wide!.id;
    const probe = (await (await api(`/v1/runs/${id}/probes/0`)).json()) as { prompt_sha256: string; facts: { pair_id: string; kind: string; character: string; needle: string; distractors: { text: string; token_index: number }[] }; response: string };
    expect(probe.facts.needle).toContain(probe.facts.character);
    expect(probe.facts.distractors).toHaveLength(4);
    const prompt = (await (await api(`/v1/runs/${id}/probes/0/prompt`)).json()) as { prompt: string; prompt_sha256: string };
    expect(prompt.prompt_sha256).toBe(probe.prompt_sha256);
    expect(prompt.prompt).toContain(probe.facts.needle);
    for (const d of probe.facts.distractors) expect(prompt.prompt).toContain(d.text);
    const row = await env.DB.prepare("SELECT facts_json FROM probes WHERE run_id = ? AND idx = 0").bind(id).first<{ facts_json: string }>();
    expect(JSON.parse(row!.facts_json).pair_id).toBe(probe.facts.pair_id);
  });

  it("has a heatmap per kind; the needle metrics are refused for this suite", async () => {
    const id = runs.wide!.id;
    const literal = (await (await api(`/v1/runs/${id}/heatmap?metric=literal`)).json()) as { suite: number; scores: (number | null)[][] };
    expect(literal.scores.flat().every((x) => x !== null && x >= 0.5)).toBe(true);
    const oneHop = (await (await api(`/v1/runs/${id}/heatmap?metric=one_hop`)).json()) as { scores: (number | null)[][] };
    expect(oneHop.scores.flat().every((x) => x === 0)).toBe(true);
    const paper = await api(`/v1/runs/${id}/heatmap?metric=paper`);
    expect(paper.status).toBe(422);
  });
});

describe("the non-literal suite around the service", () => {
  it("puts the non-literal score, its effective length and the gap on the leaderboard, sortable and in CSV", async () => {
    const { data } = (await (await api("/v1/leaderboard?suite=nonliteral&sort=literal_gap&dir=asc")).json()) as {
      data: { run_id: string; suites: Record<string, Record<string, number>>; nonliteral_effective_context_length: number | null; literal_gap: number | null; literal_gap_interval: unknown }[];
    };
    expect(data).toHaveLength(2);
    const wide = data.find((r) => r.run_id === runs.wide!.id)!;
    expect(wide).toMatchObject({ literal_gap: 16000, nonliteral_effective_context_length: null });
    expect(wide.suites.nonliteral!.nonliteral).toBeLessThanOrEqual(10);
    const csv = await (await api("/v1/leaderboard?format=csv&suite=nonliteral")).text();
    const [header, first] = csv.split("\r\n");
    expect(header).toContain("nonliteral_score");
    expect(header).toContain("literal_gap");
    const column = header!.split(",").indexOf("literal_gap");
    expect(first!.split(",")[column]).toMatch(/^\d+$/);
  });

  it("charts the gap along the series and shows it on the run page", async () => {
    const series = (await (await api("/v1/series/nl-reference")).json()) as { metrics: string[]; points: { literal_gap: number | null }[] };
    expect(series.metrics).toContain("nonliteral.nonliteral");
    expect(series.points.map((p) => p.literal_gap)).toEqual([16000, expect.any(Number)]);
    const page = await (await api(`/runs/${runs.wide!.id}`)).text();
    expect(page).toContain("a literal gap of 16K tokens");
    for (const kind of ["literal", "one_hop", "two_hop"]) expect(page).toContain(`data-kind="${kind}"`);
    expect(await (await api("/series/nl-reference")).text()).toContain("Literal gap");
  });

  it("plans a dry run with every probe and its prompt tokens, sending nothing", async () => {
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: run("extractive-128k", 3) });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as { probes: number; suites: { type: string; probes: number; prompt_tokens: number }[] };
    expect(plan.suites[0]).toMatchObject({ type: "nonliteral", probes: 36 });
    expect(plan.suites[0]!.prompt_tokens).toBeGreaterThan(6 * (1000 - 200 + 16000 - 200));
  });

  it("refuses unknown kinds, distractor counts and lengths with one 422 naming each field, storing nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n;
    for (const [suite, pointers] of [
      [{ type: "nonliteral", kinds: ["literal", "three_hop"] }, ["/suites/0/kinds/1"]],
      [{ type: "nonliteral", distractors: 2 }, ["/suites/0/distractors"]],
      [{ type: "nonliteral", context_lengths: [400, 1000, 200000] }, ["/suites/0/context_lengths/0", "/suites/0/context_lengths/2"]],
    ] as const) {
      const res = await api("/v1/runs", { method: "POST", json: run("extractive-128k", 9, suite) });
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await res.json()) as { errors: { pointer: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining([...pointers]));
    }
    expect((await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())!.n).toBe(before);
  });

  it("lists the needle set for audit: no shared word and a poor BM25 rank for every non-literal pair", async () => {
    const { data } = (await (await api("/v1/needle-sets", { token: null })).json()) as {
      data: { version: string; characters: string[]; pairs: { kind: string; shared_content_words: string[]; bm25_rank: number; distractors: unknown[] }[] }[];
    };
    const [set] = data;
    expect(set!.pairs.length).toBeGreaterThanOrEqual(60);
    for (const pair of set!.pairs) {
      expect(pair.distractors).toHaveLength(4);
      if (pair.kind === "literal") expect(pair.bm25_rank).toBe(1);
      else expect(pair).toMatchObject({ shared_content_words: [], bm25_rank: expect.any(Number) });
      if (pair.kind !== "literal") expect(pair.bm25_rank).toBeGreaterThan(4);
    }
  });

  it("is described in the OpenAPI document: the suite spec, its figures, the set and the leaderboard's columns", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toContain("/v1/needle-sets");
    expect(doc.components.schemas).toHaveProperty("NonliteralSuiteSpec");
    expect(doc.components.schemas).toHaveProperty("NeedleSetPair");
    const text = JSON.stringify(doc.components.schemas);
    for (const field of ["haystack_order", "literal_gap", "nonliteral_effective_context_length", "shared_content_words", "bm25_rank"]) expect(text).toContain(field);
  });
});
