// Book QA for real: wrangler dev (workerd, local D1, R2, queue), an InfiniteBench-format file
// uploaded over HTTP as a stream, evaluated end to end against the service's own extractive-128k
// reference model; and the built-in set run out of the box. How long the import and the runs take
// is measured by `npm run bench`, section `bookqa_service`.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKS, largeFixtureLines, lineStream } from "../worker/bookqa-fixture";
import { allProbes, bearer, getJson, startService, waitForRun } from "./support";

let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService();
});

afterAll(() => {
  service?.cleanup();
});

async function submit(body: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${service.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", ...bearer(service.adminToken) }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as Record<string, any>;
}

const referenceModel = () => ({ name: "ref-128k", base_url: `${service.url}/reference/v1`, model: "extractive-128k", tokenizer: "cl100k_base", max_concurrency: 6 });

describe("book QA end to end", () => {
  it("imports a streamed InfiniteBench file and evaluates it against extractive-128k", async () => {
    const lines = largeFixtureLines();
    const hash = createHash("sha256");
    const sent = { bytes: 0 };
    const res = await fetch(`${service.url}/v1/datasets?task=longbook_qa_eng&name=generated-en-qa`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson", ...bearer(service.adminToken) },
      body: lineStream(lines, (bytes) => (hash.update(bytes), (sent.bytes += bytes.length))),
      duplex: "half",
    } as RequestInit);
    expect(res.status, await res.clone().text()).toBe(201);
    const dataset = (await res.json()) as Record<string, any>;
    expect(dataset).toMatchObject({ task: "longbook_qa_eng", questions: lines.length, books: BOOKS.length, bytes: sent.bytes, builtin: false });
    expect(dataset.revision).toBe(hash.digest("hex"));
    // Imported private (the default): listed to the account that imported it.
    const listed = await getJson(`${service.url}/v1/datasets`, service.adminToken);
    expect(listed.data.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(["moby-dick-qa", "moby-dick-mc", dataset.id]));

    const run = await submit({ model: referenceModel(), suites: [{ type: "bookqa", dataset: dataset.id, limit: 6 }] });
    const done = await waitForRun(service.url, run.id, undefined, service.adminToken);
    expect(done.status).toBe("succeeded");
    expect(done.reference).toBe(true);
    expect(done.suites[0]).toMatchObject({ type: "bookqa", dataset: dataset.id, dataset_revision: dataset.revision, window: 128000, probes: 6, scored: 6 });
    expect(done.suites[0].scores.infinitebench).toBeGreaterThan(0);

    const probes = await allProbes(service.url, run.id, service.adminToken);
    // ~250K-token books cut to 64K + 64K: the facts at the start and end survive, the middle ones do not.
    expect(probes.every((p) => p.expected_prompt_tokens === 128000 && !p.token_mismatch)).toBe(true);
    const f1 = probes.map((p) => p.scores.infinitebench as number);
    expect([f1[0], f1[2], f1[3], f1[5]].every((s) => s! > 0)).toBe(true);
    expect([f1[1], f1[4]]).toEqual([0, 0]);
  });

  it("runs the whole built-in set out of the box (both tasks)", async () => {
    const run = await submit({ model: referenceModel(), suites: [{ type: "bookqa" }, { type: "bookqa", dataset: "moby-dick-mc" }] });
    const done = await waitForRun(service.url, run.id, undefined, service.adminToken);
    expect(done.status).toBe("succeeded");
    const [qa, mc] = done.suites;
    console.log(`built-in set: ${done.progress.total} probes; moby-dick-qa ${JSON.stringify(qa.scores)}, moby-dick-mc ${JSON.stringify(mc.scores)}`);
    expect(qa).toMatchObject({ dataset: "moby-dick-qa", task: "longbook_qa_eng", probes: 29, scored: 29 });
    expect(mc).toMatchObject({ dataset: "moby-dick-mc", task: "longbook_choice_eng", probes: 29, scored: 29 });
    for (const suite of [qa, mc]) {
      expect(suite.scores.infinitebench).toBeGreaterThanOrEqual(0);
      expect(suite.scores.paper_recall).toBeGreaterThan(0);
    }
    // Multiple choice beats chance (25 %) even with the book's middle cut away.
    expect(mc.scores.infinitebench).toBeGreaterThan(25);
  });
});
