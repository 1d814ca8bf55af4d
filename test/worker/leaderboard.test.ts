// The leaderboard API: ordering and filters from the query, CSV, ETag revalidation and the
// paper's reported numbers as clearly marked rows.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api, completionBody, createRun, fakeUpstream, needleRun, waitForStatus } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const ids: Record<string, string> = {};

beforeAll(async () => {
  // "good" always answers; "bad" never does.
  fakeUpstream(vi, (call) => new Response(completionBody(call.body.model === "good" ? "eat a sandwich and sit in Dolores Park on a sunny day." : "no idea")));
  for (const model of ["good", "bad"]) {
    ids[model] = (await createRun(needleRun({}, { model, name: `${model}-model` }))).id;
  }
  for (const id of Object.values(ids)) await waitForStatus(id, ["succeeded"]);
  vi.unstubAllGlobals();
});

type Row = { run_id: string | null; model: { name: string }; reported: boolean; source: string | null; effective_context_length: number | null; suites: Record<string, Record<string, number>> };
const rows = async (query = "") => ((await (await api(`/v1/leaderboard${query}`)).json()) as { data: Row[] }).data;

describe("leaderboard", () => {
  it("orders by the needle paper score, best first, or as asked", async () => {
    expect((await rows()).map((r) => r.model.name)).toEqual(["good-model", "bad-model"]);
    expect((await rows("?sort=needle.paper&dir=asc")).map((r) => r.model.name)).toEqual(["bad-model", "good-model"]);
    const good = (await rows()).find((r) => r.run_id === ids.good)!;
    expect(good.effective_context_length).toBe(2000);
    expect((await rows()).find((r) => r.run_id === ids.bad)!.effective_context_length).toBeNull();
  });

  it("filters by effective length and suite", async () => {
    expect((await rows("?min_length=1000")).map((r) => r.run_id)).toEqual([ids.good]);
    expect(await rows("?suite=bookqa")).toEqual([]);
  });

  it("adds the paper's numbers only when asked, marked as reported", async () => {
    expect((await rows()).some((r) => r.reported)).toBe(false);
    const withPaper = await rows("?include=reported");
    const ours7b = withPaper.find((r) => r.model.name === "Ours LLaMA-2 7B 80K")!;
    expect(ours7b).toMatchObject({ run_id: null, reported: true, suites: { needle: { paper: 88 }, bookqa: { paper_recall: 27.4 } } });
    expect(ours7b.source).toContain("Table");
    // Measured perfect runs (91.67) rank above the paper's best reported 90.0.
    expect(withPaper[0]!.run_id).toBe(ids.good);
  });

  it("answers CSV for Accept: text/csv and ?format=csv", async () => {
    const res = await api("/v1/leaderboard", { headers: { accept: "text/csv" } });
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toContain("run_id,model_name");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain("good-model");
    expect(await (await api("/v1/leaderboard?format=csv&include=reported")).text()).toContain('"Fu et al. 2024');
  });

  it("revalidates with ETag", async () => {
    const first = await api("/v1/leaderboard");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("cache-control")).toContain("max-age");
    const again = await api("/v1/leaderboard", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const csv = await api("/v1/leaderboard?format=csv", { headers: { "if-none-match": etag } });
    expect(csv.status).toBe(200); // another representation, another tag
  });

  it("refuses unknown sort keys as a problem", async () => {
    const res = await api("/v1/leaderboard?sort=vibes");
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/sort");
  });
  it("groups by model, keeping each model's best run", async () => {
    fakeUpstream(vi, () => new Response(completionBody("no idea")));
    const worse = (await createRun(needleRun({}, { model: "good", name: "good-model" }))).id;
    await waitForStatus(worse, ["succeeded"]);
    expect((await rows()).filter((r) => r.model.name === "good-model")).toHaveLength(2);
    const grouped = await rows("?group=model");
    expect(grouped.map((r) => r.model.name)).toEqual(["good-model", "bad-model"]);
    expect(grouped[0]!.run_id).toBe(ids.good);
  });
});
