// Comparable leaderboard rows: each run names its protocols (suite type, grid, corpus, tokenizer),
// ?protocol= keeps the runs of one, the answer lists the protocols present with their run counts,
// the rank follows the sort, and the page opens on one protocol with a selector. Every query names
// this file's series and its grid is its own, so runs other files leave in D1 do not count here.
import { beforeAll, describe, expect, it } from "vitest";
import { api, createRun, REFERENCE_URL, waitForStatus } from "./helpers";

const GRID = { type: "needle", context_lengths: [1100, 2100], depth_percents: [0, 50, 100] };
const NONLITERAL = { type: "nonliteral", context_lengths: [1100, 2100], depth_percents: [0, 100], distractors: 0, pairs: 1 };
const SERIES = "proto-7b-protocols";

function run(name: string, model: string, tokenizer: string, suites: unknown[], step: number) {
  return { model: { name, base_url: REFERENCE_URL, model, tokenizer, context_window: 131072, max_concurrency: 6 }, suites, public: true, series: SERIES, step };
}

const ids: Record<"wide" | "narrow" | "llama", string> = { wide: "", narrow: "", llama: "" };

beforeAll(async () => {
  ids.wide = (await createRun(run("wide-cl100k", "extractive-128k", "cl100k_base", [GRID, NONLITERAL], 1))).id;
  ids.narrow = (await createRun(run("narrow-cl100k", "extractive-4k", "cl100k_base", [GRID], 2))).id;
  ids.llama = (await createRun(run("wide-llama2", "extractive-128k", "llama2", [GRID], 3))).id;
  for (const id of Object.values(ids)) await waitForStatus(id, ["succeeded"], 60_000);
}, 90_000);

type Row = { run_id: string | null; rank: number | null; protocol: string | null; protocols: string[]; reported: boolean; longest_length: number | null; prompt_tokens: number | null; cost_usd: number | null; finished_at: string };
type Board = { data: Row[]; protocols: { id: string; label: string; runs: number }[]; protocol: string | null };
const board = async (query = "") => {
  const res = await api(`/v1/leaderboard?series=${SERIES}${query.replace(/^\?/, "&")}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Board;
};

describe("protocols on the leaderboard API", () => {
  it("names each row's protocols, the needle suite's first, and lists those present with run counts", async () => {
    const { data, protocols, protocol } = await board();
    expect(protocol).toBeNull(); // without ?protocol=, every run, as before
    expect(data).toHaveLength(3);
    const wide = data.find((r) => r.run_id === ids.wide)!;
    expect(wide.protocol).toMatch(/^needle:2x3-1100-2100~[0-9a-z]{7}:sotu:cl100k_base$/);
    expect(wide.protocols).toHaveLength(2);
    expect(wide.protocols[1]).toMatch(/^nonliteral:2x2-1100-2100~[0-9a-z]{7},d0:moby-dick:cl100k_base$/); // its default corpus
    expect(wide.longest_length).toBe(2100);
    expect(wide.prompt_tokens).toBeGreaterThan(0);
    expect(wide.cost_usd).toBeNull(); // no prices
    const llama = data.find((r) => r.run_id === ids.llama)!;
    expect(llama.protocol).toBe(wide.protocol!.replace("cl100k_base", "llama2"));
    expect(protocols.map((p) => [p.id, p.runs])).toEqual([
      [wide.protocol, 2],
      ...[[llama.protocol, 1], [wide.protocols[1], 1]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    ]);
    expect(protocols[0]!.label).toBe("needle · 2 lengths 1K–2K × 3 depths · sotu · cl100k_base");
  });

  it("keeps the runs that have the asked protocol, the primary one or another", async () => {
    const all = await board();
    const needleCl100k = all.data.find((r) => r.run_id === ids.wide)!.protocol!;
    const kept = await board(`?protocol=${encodeURIComponent(needleCl100k)}`);
    expect(kept.protocol).toBe(needleCl100k);
    expect(kept.data.map((r) => r.run_id).sort()).toEqual([ids.wide, ids.narrow].sort());
    expect(kept.protocols).toEqual(all.protocols); // the selector's list does not shrink with the choice
    const nonliteral = all.data.find((r) => r.run_id === ids.wide)!.protocols[1]!;
    expect((await board(`?protocol=${encodeURIComponent(nonliteral)}`)).data.map((r) => r.run_id)).toEqual([ids.wide]);
    expect((await board("?protocol=needle:paper:sotu:llama2")).data).toEqual([]);
    // default: the paper's needle grid with the most runs; none here, so the protocol with the most runs.
    const fallback = await board("?protocol=default");
    expect(fallback.protocol).toBe(needleCl100k);
    expect(fallback.data).toHaveLength(2);
    expect((await board("?protocol=all")).data).toHaveLength(3);
    // Reported rows stay when asked for, whatever the protocol (a series has none: they are not anyone's step).
    const withPaper = (await (await api(`/v1/leaderboard?protocol=${encodeURIComponent(needleCl100k)}&include=reported`)).json()) as Board;
    const reported = withPaper.data.filter((r) => r.reported) as unknown as { suites: Record<string, unknown> }[];
    expect(reported.length).toBeGreaterThan(0);
    // Only those with a score of the protocol's suite type: the paper's needle rows, not RULER's table.
    expect(reported.every((r) => "needle" in r.suites)).toBe(true);
    const everything = (await (await api("/v1/leaderboard?include=reported&limit=500")).json()) as Board;
    expect(everything.data.filter((r) => r.reported).length).toBeGreaterThan(reported.length);
    expect(withPaper.data.filter((r) => !r.reported)).toHaveLength(2);
  });

  it("refuses a protocol that cannot be an id, naming the field", async () => {
    const res = await api("/v1/leaderboard?protocol=%3Cscript%3E");
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/protocol");
  });

  it("ranks in the order asked: ties share a rank, reported rows take none", async () => {
    const byPaper = (await board("?include=reported")).data;
    const measured = byPaper.filter((r) => !r.reported);
    // Both reference models find every needle up to 2.1K: three runs tie at 91.67.
    expect(measured.map((r) => r.rank)).toEqual([1, 1, 1]);
    expect(byPaper.filter((r) => r.reported).every((r) => r.rank === null)).toBe(true);
    const newest = (await board("?sort=finished_at&dir=desc")).data;
    expect(newest.map((r) => r.rank)).toEqual([1, 2, 3]);
    const oldest = (await board("?sort=finished_at&dir=asc")).data;
    expect(oldest.map((r) => r.run_id)).toEqual([...newest].reverse().map((r) => r.run_id));
    expect(oldest.map((r) => r.rank)).toEqual([1, 2, 3]);
    const csv = await (await api(`/v1/leaderboard?series=${SERIES}&format=csv&sort=finished_at`)).text();
    const [header, first] = csv.split("\r\n");
    const cells = header!.split(",");
    expect(cells).toEqual(expect.arrayContaining(["rank", "protocol", "context_window", "longest_length", "prompt_tokens", "cost_usd"]));
    expect(first!.split(",")[cells.indexOf("rank")]).toBe("1");
    expect(first!.split(",")[cells.indexOf("protocol")]).toMatch(/^needle:/);
  });
});

describe("protocols on the leaderboard page", () => {
  const page = async (query: string) => (await api(`/${query}`, { token: null })).text();

  it("opens on the API's default protocol and lists the protocols present with their run counts", async () => {
    const everyone = (await (await api("/v1/leaderboard?protocol=default&limit=1")).json()) as Board;
    const html = await page("");
    expect(html).toContain(`data-shown-protocol="${everyone.protocol}"`);
    for (const p of everyone.protocols) expect(html).toContain(`${p.label} (${p.runs} run${p.runs === 1 ? "" : "s"})`.replaceAll("&", "&amp;"));
  });

  it("shows one protocol's runs, says which protocol each row ran, and links its series", async () => {
    const { data } = await board();
    const needleCl100k = data.find((r) => r.run_id === ids.wide)!.protocol!;
    const html = await page(`?protocol=${encodeURIComponent(needleCl100k)}`);
    expect(html).toContain(`data-run-id="${ids.wide}"`);
    expect(html).toContain(`data-run-id="${ids.narrow}"`);
    expect(html).not.toContain(`data-run-id="${ids.llama}"`);
    expect(html).toContain(`data-protocol="${needleCl100k}"`);
    expect(html).toContain(`href="/series/${SERIES}"`);
    expect(await page("?protocol=all")).toContain(`data-run-id="${ids.llama}"`);
    const withPaper = await page(`?protocol=${encodeURIComponent(needleCl100k)}&include=reported`);
    expect(withPaper).toContain('data-reported="true"');
    expect(withPaper).toContain('class="badge reported"');
  });

  it("sends two ticked runs to /compare?runs=A,B, and says so when fewer are ticked", async () => {
    const res = await api(`/?sort=paper&compare=${ids.wide}&compare=${ids.narrow}`, { token: null, redirect: "manual" });
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get("location")).toBe(`/compare?runs=${ids.wide},${ids.narrow}`);
    const one = await api(`/?compare=${ids.wide}`, { token: null });
    expect(one.status).toBe(200);
    expect(await one.text()).toContain("Select at least two runs to compare (1 selected).");
  });
});
