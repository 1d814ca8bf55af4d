// GET /v1/compare and /compare inside workerd: runs against a fake endpoint whose answers we know,
// so the difference cells, the lengths beyond noise and the suite deltas are known; bad input and
// visibility answer problems naming `runs`.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api, completionBody, createRun, fakeUpstream, needleRun, waitForStatus } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const NEEDLE = "eat a sandwich and sit in Dolores Park on a sunny day.";
const DEPTHS = [0, 25, 50, 75, 100];
// A 1K-token prompt is under 8,000 characters, a 2K one over (as the series test uses).
const ANSWERS: Record<string, (prompt: string) => string> = {
  "ckpt-a": () => NEEDLE,
  "ckpt-b": (prompt) => (prompt.length < 8000 ? NEEDLE : "not sure"),
};

interface Difference {
  context_length: number;
  depth_percent?: number;
  a: number | null;
  b: number | null;
  difference: number | null;
  test: string | null;
  p_value: number | null;
  beyond_noise: boolean;
}
interface Comparison {
  runs: { run_id: string; model_name: string; step: number | null }[];
  base_run_id: string;
  grid: {
    suite_type: string;
    metric: string;
    context_lengths: number[];
    depth_percents: number[];
    not_shared: { run_id: string; context_lengths: number[]; depth_percents: number[] }[];
    heatmaps: { run_id: string; scores: (number | null)[][]; by_length: (number | null)[] }[];
    differences: { run_id: string; against: string; cells: Difference[][]; by_length: Difference[] }[];
  } | null;
  effective_lengths: { run_id: string; length: number | null; common: { length: number | null } | null; difference: { length: number | null } | null }[];
  suites: { suite_type: string; metric: string; values: { run_id: string; value: number | null; n: number | null }[]; deltas: { run_id: string; delta: number | null; beyond_noise: boolean | null }[] }[];
}

const ids = { a: "", b: "", c: "" };

async function run(model: string, step: number, lengths: number[]): Promise<string> {
  const body = { ...needleRun({ suites: [{ type: "needle", context_lengths: lengths, depth_percents: DEPTHS }] }, { model, name: `cmp@${step}` }), series: "cmp-7b", step };
  const { id } = await createRun(body);
  await waitForStatus(id, ["succeeded"]);
  return id;
}

beforeAll(async () => {
  fakeUpstream(vi, (call) => new Response(completionBody(ANSWERS[call.body.model]!(call.body.prompt ?? ""))));
  ids.a = await run("ckpt-a", 100, [1000, 2000]);
  ids.b = await run("ckpt-b", 200, [1000, 2000]);
  ids.c = await run("ckpt-a", 300, [1000, 4000]); // another grid: only 1K is shared
  vi.unstubAllGlobals();
}, 90_000);

const compare = async (query: string, token?: string | null) => api(`/v1/compare?${query}`, token === undefined ? {} : { token });

describe("GET /v1/compare", () => {
  it("gives B − A per cell and per length, with the 2K loss beyond noise only when its depths are pooled", async () => {
    const res = await compare(`runs=${ids.a},${ids.b}&metric=contains`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Comparison;
    expect(body.base_run_id).toBe(ids.a);
    expect(body.runs.map((r) => r.step)).toEqual([100, 200]);
    const grid = body.grid!;
    expect(grid).toMatchObject({ suite_type: "needle", metric: "contains", context_lengths: [1000, 2000], depth_percents: DEPTHS });
    expect(grid.heatmaps.map((h) => h.by_length)).toEqual([
      [1, 1],
      [1, 0],
    ]);
    const diff = grid.differences[0]!;
    expect(diff).toMatchObject({ run_id: ids.b, against: ids.a });
    expect(diff.cells.map((row) => row.map((c) => c.difference))).toEqual(DEPTHS.map(() => [0, -1]));
    expect(diff.cells.flat().every((c) => !c.beyond_noise && c.test === "fisher")).toBe(true); // one probe per run and cell
    expect(diff.by_length.map((l) => [l.context_length, l.a, l.b, l.difference, l.beyond_noise])).toEqual([
      [1000, 1, 1, 0, false],
      [2000, 1, 0, -1, true],
    ]);
    expect(diff.by_length[1]!.p_value).toBeCloseTo(2 / 252, 10); // Fisher: 5/5 against 0/5

    const contains = body.suites.find((s) => s.suite_type === "needle" && s.metric === "contains")!;
    expect(contains.values.map((v) => [v.value, v.n])).toEqual([
      [100, 10],
      [50, 10],
    ]);
    expect(contains.deltas[0]).toMatchObject({ run_id: ids.b, delta: -50, beyond_noise: true });
    const lengths = body.effective_lengths;
    expect(lengths.map((e) => e.length)).toEqual([2000, 1000]);
    expect(lengths[1]!.difference!.length).toBe(-1000);
  });

  it("compares different grids on their common cells and names what is not shared", async () => {
    const body = (await (await compare(`runs=${ids.a},${ids.c}`)).json()) as Comparison;
    expect(body.grid!.metric).toBe("paper"); // the needle suite's headline metric by default
    expect(body.grid!.context_lengths).toEqual([1000]);
    expect(body.grid!.not_shared).toEqual([
      { run_id: ids.a, context_lengths: [2000], depth_percents: [] },
      { run_id: ids.c, context_lengths: [4000], depth_percents: [] },
    ]);
    expect(body.grid!.differences[0]!.by_length).toMatchObject([{ context_length: 1000, difference: 0, beyond_noise: false }]);
  });

  it("refuses fewer than 2, more than 6, repeated and unknown runs, naming runs", async () => {
    const pointers = async (res: Response) => ((await res.json()) as { errors?: { pointer: string }[] }).errors?.map((e) => e.pointer);
    for (const query of ["", `runs=${ids.a}`, `runs=${ids.a},${ids.a}`, `runs=${[ids.a, ids.b, ids.c, "x1", "x2", "x3", "x4"].join(",")}`]) {
      const res = await compare(query);
      expect(res.status, query).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await pointers(res), query).toEqual(["/runs"]);
    }
    const unknown = await compare(`runs=${ids.a},run_nope`);
    expect(unknown.status).toBe(404);
    const problem = (await unknown.json()) as { detail: string; errors: { pointer: string }[] };
    expect(problem.detail).toContain("run_nope");
    expect(problem.errors[0]!.pointer).toBe("/runs");
    const metric = await compare(`runs=${ids.a},${ids.b}&metric=bogus`);
    expect(metric.status).toBe(422);
    expect(await pointers(metric)).toEqual(["/metric"]);
  });

  it("is in the OpenAPI document with its Comparison schema", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> } }> };
    const get = doc.paths["/v1/compare"]!.get!;
    expect(get.responses["200"]!.content!["application/json"]!.schema.$ref).toBe("#/components/schemas/Comparison");
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(["404", "422"]));
  });

  it("shows a private run only to its account", async () => {
    fakeUpstream(vi, (call) => new Response(completionBody(ANSWERS[call.body.model]!(call.body.prompt ?? ""))));
    const account = await api("/v1/accounts", { method: "POST", json: { name: `compare-${Date.now()}` } });
    const token = ((await account.json()) as { token: { token: string } }).token.token;
    const res = await api("/v1/runs", { method: "POST", token, json: needleRun({ public: false, suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] }, { model: "ckpt-a" }) });
    const hidden = ((await res.json()) as { id: string }).id;
    await waitForStatus(hidden, ["succeeded"]);
    expect((await compare(`runs=${ids.a},${hidden}`, null)).status).toBe(404);
    expect((await compare(`runs=${ids.a},${hidden}`, token)).status).toBe(200);
    expect((await api(`/compare?runs=${ids.a},${hidden}`, { token: null })).status).toBe(404);
  });
});

describe("the pages", () => {
  it("/compare draws both heatmaps, the difference cells and the lengths beyond noise", async () => {
    const res = await api(`/compare?runs=${ids.a}&runs=${ids.b}&metric=contains`, { token: null }); // as a form of checkboxes sends it
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/<svg[^>]*class="heatmap"/g)!.length).toBe(2);
    const cells = [...html.matchAll(/class="difference-cell" data-length="(\d+)" data-depth="(\d+)" data-difference="([^"]*)" data-beyond-noise="(\w+)"/g)].map((m) => m.slice(1).join(" "));
    expect(cells).toHaveLength(10);
    expect(cells.filter((c) => c.startsWith("2000 ")).every((c) => c.endsWith(" -1 false"))).toBe(true);
    expect(cells.filter((c) => c.startsWith("1000 ")).every((c) => c.endsWith(" 0 false"))).toBe(true);
    expect(html).toMatch(/class="length-difference" data-length="2000" data-difference="-1" data-beyond-noise="true"/);
    expect(html).toContain('id="compare-suites"');
    expect((await api(`/compare?runs=${ids.a}`, { token: null })).status).toBe(422);
    expect((await api(`/compare?runs=${ids.a},run_nope`, { token: null })).status).toBe(404);
  });

  it("the series page flags the regression on its chart and in the list, and links to the comparison", async () => {
    const html = await (await api("/series/cmp-7b", { token: null })).text();
    const contains = html.slice(html.indexOf('id="series-needle-contains"'), html.indexOf("</svg>", html.indexOf('id="series-needle-contains"')));
    expect(contains.match(/class="point flagged"/g)).toHaveLength(1);
    expect(contains).toContain("50.0 points lost against step 100 (margin 5)");
    expect(contains).toContain(`href="/runs/${ids.b}"`);
    expect(html).toMatch(new RegExp(`<li data-run-id="${ids.b}">`));
    expect(html).toContain(`href="/compare?runs=${ids.a},${ids.b}"`);
    expect(html).toContain('id="series-effective-length"');
    // No checkpoint reports tokens_trained: ?x=tokens keeps the step axis and says why.
    const tokens = await (await api("/series/cmp-7b?x=tokens", { token: null })).text();
    expect(tokens).toContain("no checkpoint reports tokens_trained");
    expect(tokens).toContain('aria-current="true" data-axis="step"');
    // Every run of the series links to it, and to the comparison with its previous step.
    const run = await (await api(`/runs/${ids.b}`, { token: null })).text();
    expect(run).toContain('<a href="/series/cmp-7b">cmp-7b</a>, step 200');
    expect(run).toContain(`href="/compare?runs=${ids.a},${ids.b}"`);
  });
});

