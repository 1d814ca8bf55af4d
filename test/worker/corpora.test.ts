// Uploaded haystack corpora: stored in R2 + D1, listed beside the built-in ones, and used by runs.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, completionBody, createRun, fakeUpstream, needleRun, waitForStatus } from "./helpers";

afterEach(() => {
  vi.unstubAllGlobals();
});

function essay(label: string, sentences: number): string {
  return Array.from({ length: sentences }, (_, i) => `${label} essay sentence number ${i} talks about startups and cities.`).join(" ");
}

describe("corpora", () => {
  it("lists the built-in corpora", async () => {
    const list = (await (await api("/v1/corpora")).json()) as { data: { id: string; builtin: boolean; characters: number }[] };
    expect(list.data.filter((c) => c.builtin).map((c) => c.id)).toEqual(["sotu", "moby-dick", "code"]);
    expect(list.data[0]!.characters).toBeGreaterThan(1_000_000);
  });

  it("refuses duplicate file names and empty uploads, field by field", async () => {
    const dup = await api("/v1/corpora", { method: "POST", json: { name: "x", files: [{ name: "a.txt", text: "A." }, { name: "a.txt", text: "B." }] } });
    expect(dup.status).toBe(422);
    expect(((await dup.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(["/files/1/name"]);
    const empty = await api("/v1/corpora", { method: "POST", json: { name: "x", files: [] } });
    expect(empty.status).toBe(422);
  });

  it("stores an upload, joins its files in name order, and needle runs use it", async () => {
    const files = [
      { name: "c-charlie.txt", text: essay("Charlie", 120) },
      { name: "a-alpha.txt", text: essay("Alpha", 120) },
      { name: "b-bravo.txt", text: essay("Bravo", 120) },
    ];
    const res = await api("/v1/corpora", { method: "POST", json: { name: "essays", files } });
    expect(res.status).toBe(201);
    const corpus = (await res.json()) as { id: string; version: string; files: number; builtin: boolean };
    expect(corpus).toMatchObject({ files: 3, builtin: false });
    expect(res.headers.get("location")).toBe(`/v1/corpora/${corpus.id}`);
    expect(((await (await api(`/v1/corpora/${corpus.id}`)).json()) as { version: string }).version).toBe(corpus.version);

    // Too short for 16K tokens: refused at submission, naming the corpus field.
    const tooLong = await api("/v1/runs", { method: "POST", json: needleRun({ suites: [{ type: "needle", corpus: corpus.id, context_lengths: [16000], depth_percents: [0] }] }) });
    expect(tooLong.status).toBe(422);
    const problem = (await tooLong.json()) as { errors: { pointer: string; detail: string }[] };
    expect(problem.errors[0]!.pointer).toBe("/suites/0/corpus");
    expect(problem.errors[0]!.detail).toContain("16000");

    fakeUpstream(vi, () => new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day.")));
    const { id } = await createRun(needleRun({ suites: [{ type: "needle", corpus: corpus.id, context_lengths: [1000, 2000], depth_percents: [0, 100] }] }));
    await waitForStatus(id, ["succeeded"]);
    // Probes run deepest needle first: 2000/100, 1000/100, 2000/0, then 1000/0 (the needle, then
    // the haystack from the first file by name).
    expect(((await (await api(`/v1/runs/${id}/probes/3`)).json()) as { context_length: number; depth_percent: number })).toMatchObject({ context_length: 1000, depth_percent: 0 });
    const rebuilt = (await (await api(`/v1/runs/${id}/probes/3/prompt`)).json()) as { prompt: string };
    expect(rebuilt.prompt.indexOf("Dolores Park")).toBeLessThan(rebuilt.prompt.indexOf("Alpha essay sentence number 0"));
    expect(rebuilt.prompt).not.toContain("Bravo");
    const longest = (await (await api(`/v1/runs/${id}/probes/0/prompt`)).json()) as { prompt: string };
    expect(longest.prompt).toContain("Bravo essay");
    expect(longest.prompt.indexOf("Alpha")).toBeLessThan(longest.prompt.indexOf("Bravo"));
  });

  it("404s an unknown corpus", async () => {
    expect((await api("/v1/corpora/corpus_nope")).status).toBe(404);
  });
});
