// One tenant cannot hurt another: what an account uploads is its own unless it says otherwise, a
// series is its first submitter's, storage has a quota, and an endpoint's limiter is per credential
// (one account's slow run or 429 holds back only its own calls).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { ADMIN_TOKEN, api, completionBody, fakeUpstream, needleRun, ORIGIN, waitForStatus, type UpstreamCall } from "./helpers";
import { fixtureLines, toJsonLines } from "./bookqa-fixture";

vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  vi.unstubAllGlobals();
});

const ok = () => new Response(completionBody("The best thing is to eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let counter = 0;

async function newAccount(): Promise<string> {
  const res = await api("/v1/accounts", { method: "POST", json: { name: `tenant-${++counter}-${Date.now()}` } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: { token: string } }).token.token;
}

async function submit(token: string, body: unknown): Promise<Response> {
  return api("/v1/runs", { method: "POST", json: body, token });
}

async function submitted(token: string, body: unknown): Promise<{ id: string }> {
  const res = await submit(token, body);
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** A haystack corpus whose text no built-in corpus has, so its leaking would be visible. */
const SECRET_PHRASE = "the quartermaster of the violet lighthouse counts herons";
const corpusFiles = [{ name: "a.txt", text: Array.from({ length: 400 }, (_, i) => `Sentence ${i}: ${SECRET_PHRASE}.`).join(" ") }];

describe("uploaded corpora belong to their account", () => {
  it("are private by default: listings, lookups, runs and prompt rebuilds of other accounts do not see them", async () => {
    const [alice, bob] = [await newAccount(), await newAccount()];
    const res = await api("/v1/corpora", { method: "POST", json: { name: "private", files: corpusFiles }, token: alice });
    expect(res.status).toBe(201);
    const corpus = (await res.json()) as { id: string; public: boolean };
    expect(corpus.public).toBe(false);

    const ids = async (token: string | null) => ((await (await api("/v1/corpora", { token })).json()) as { data: { id: string }[] }).data.map((c) => c.id);
    expect(await ids(alice)).toContain(corpus.id);
    expect(await ids(ADMIN_TOKEN)).toContain(corpus.id);
    expect(await ids(bob)).not.toContain(corpus.id);
    expect(await ids(null)).not.toContain(corpus.id);
    expect((await api(`/v1/corpora/${corpus.id}`, { token: bob })).status).toBe(404);
    expect((await api(`/v1/corpora/${corpus.id}`, { token: null })).status).toBe(404);
    expect((await api(`/v1/corpora/${corpus.id}`, { token: alice })).status).toBe(200);

    // Bob cannot run on it: it is unknown to him, as an id that does not exist.
    const suites = [{ type: "needle", corpus: corpus.id, context_lengths: [1000], depth_percents: [50] }];
    const refused = await submit(bob, needleRun({ suites }));
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { errors: { pointer: string; detail: string }[] }).errors[0]).toMatchObject({ pointer: "/suites/0/corpus", detail: expect.stringContaining("unknown corpus") });

    // Alice's public run on it shows its scores to everyone, but its prompts (the corpus text) only to her.
    fakeUpstream(vi, ok);
    const run = await submitted(alice, needleRun({ suites }));
    await waitForStatus(run.id, ["succeeded"]);
    expect((await api(`/v1/runs/${run.id}`, { token: null })).status).toBe(200);
    expect((await api(`/v1/runs/${run.id}/probes/0/prompt`, { token: null })).status).toBe(404);
    expect((await api(`/v1/runs/${run.id}/probes/0/prompt`, { token: bob })).status).toBe(404);
    const own = await api(`/v1/runs/${run.id}/probes/0/prompt`, { token: alice });
    expect(own.status).toBe(200);
    expect(JSON.stringify(await own.json())).toContain(SECRET_PHRASE);
    const page = await (await api(`/runs/${run.id}/probes/0`, { token: null })).text();
    expect(page).not.toContain(SECRET_PHRASE);
  });

  it("are visible to every account when uploaded public", async () => {
    const [alice, bob] = [await newAccount(), await newAccount()];
    const corpus = (await (await api("/v1/corpora", { method: "POST", json: { name: "shared", files: corpusFiles, public: true }, token: alice })).json()) as { id: string; public: boolean };
    expect(corpus.public).toBe(true);
    expect((await api(`/v1/corpora/${corpus.id}`, { token: bob })).status).toBe(200);
    const dry = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({ suites: [{ type: "needle", corpus: corpus.id, context_lengths: [1000], depth_percents: [50] }] }), token: bob });
    expect(dry.status).toBe(200);
  });
});

describe("imported datasets belong to their account", () => {
  it("are private by default and public on request", async () => {
    const [alice, bob] = [await newAccount(), await newAccount()];
    const body = toJsonLines(fixtureLines("longbook_qa_eng", 5));
    const imported = await api("/v1/datasets?task=longbook_qa_eng&name=mine", { method: "POST", body, headers: { "content-type": "application/x-ndjson" }, token: alice });
    expect(imported.status).toBe(201);
    const dataset = (await imported.json()) as { id: string; public: boolean };
    expect(dataset.public).toBe(false);
    const ids = async (token: string | null) => ((await (await api("/v1/datasets", { token })).json()) as { data: { id: string }[] }).data.map((d) => d.id);
    expect(await ids(alice)).toContain(dataset.id);
    expect(await ids(bob)).not.toContain(dataset.id);
    expect(await ids(null)).not.toContain(dataset.id);
    expect((await api(`/v1/datasets/${dataset.id}`, { token: bob })).status).toBe(404);
    const suites = [{ type: "bookqa", dataset: dataset.id, limit: 1 }];
    const refused = await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({ suites }), token: bob });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/suites/0/dataset");
    expect((await api("/v1/runs?dry_run=true", { method: "POST", json: needleRun({ suites }), token: alice })).status).toBe(200);

    const shared = await api("/v1/datasets?task=longbook_qa_eng&name=shared&public=true", { method: "POST", body, headers: { "content-type": "application/x-ndjson" }, token: alice });
    const sharedId = ((await shared.json()) as { id: string }).id;
    expect((await api(`/v1/datasets/${sharedId}`, { token: bob })).status).toBe(200);
  });
});

describe("a series", () => {
  it("belongs to the account that started it: nobody else adds steps to its trend", async () => {
    const [alice, bob] = [await newAccount(), await newAccount()];
    const series = `tenant-series-${Date.now()}`;
    fakeUpstream(vi, ok);
    const first = await submitted(alice, { ...needleRun(), series, step: 1 });
    const refused = await submit(bob, { ...needleRun(), series, step: 2 });
    expect(refused.status).toBe(403);
    const problem = (await refused.json()) as { type: string; errors: { pointer: string }[] };
    expect(problem.type).toBe("/problems/series-owned");
    expect(problem.errors[0]!.pointer).toBe("/series");
    const second = await submit(alice, { ...needleRun(), series, step: 2 });
    expect(second.status).toBe(202);
    // Both finish before the next test stubs its own endpoint.
    for (const id of [first.id, ((await second.json()) as { id: string }).id]) await waitForStatus(id, ["succeeded"]);
  });
});

describe("storage quota", () => {
  it("refuses an upload that would take the account past MAX_UPLOAD_BYTES_PER_ACCOUNT, and stores nothing of it", async () => {
    const alice = await newAccount();
    const capped = { ...env, MAX_UPLOAD_BYTES_PER_ACCOUNT: String(corpusFiles[0]!.text.length + 100) } as unknown as Env;
    const upload = async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}/v1/corpora`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${alice}` }, body: JSON.stringify({ name: "q", files: corpusFiles }) }),
        capped,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    expect((await upload()).status).toBe(201);
    const second = await upload();
    expect(second.status).toBe(413);
    expect(((await second.json()) as { type: string }).type).toBe("/problems/storage-quota-exceeded");
    // Alice's own uploads are the private ones she sees (others' public uploads are listed too).
    const mine = ((await (await api("/v1/corpora", { token: alice })).json()) as { data: { builtin: boolean; public: boolean }[] }).data.filter((c) => !c.builtin && !c.public);
    expect(mine).toHaveLength(1);
  });
});

/** A stub endpoint counting each run's calls in flight; a run is told apart by its haystack length. */
function perRunUpstream(runOf: (call: UpstreamCall) => string, reply: (run: string) => Promise<Response>) {
  const out = new Map<string, number>();
  const maxOut = new Map<string, number>();
  fakeUpstream(vi, async (call) => {
    const run = runOf(call);
    out.set(run, (out.get(run) ?? 0) + 1);
    maxOut.set(run, Math.max(maxOut.get(run) ?? 0, out.get(run)!));
    try {
      return await reply(run);
    } finally {
      out.set(run, out.get(run)! - 1);
    }
  });
  return maxOut;
}

const byLength = (call: UpstreamCall) => ((call.body.prompt?.length ?? 0) > 6000 ? "long" : "short");

describe("an endpoint's limiter, per credential", () => {
  it("does not let another account's 1-concurrency run hold this one back", async () => {
    const [alice, bob] = [await newAccount(), await newAccount()];
    const maxOut = perRunUpstream(byLength, async () => (await sleep(80), ok()));
    const model = { model: "tenant-shared" };
    const slow = await submitted(alice, needleRun({ suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 20, 40, 60, 80, 100] }] }, { ...model, max_concurrency: 1 }));
    const fast = await submitted(bob, needleRun({ suites: [{ type: "needle", context_lengths: [2000], depth_percents: [0, 20, 40, 60, 80, 100] }] }, { ...model, max_concurrency: 4 }));
    await waitForStatus(fast.id, ["succeeded"]);
    await waitForStatus(slow.id, ["succeeded"]);
    expect(maxOut.get("short")).toBe(1);
    expect(maxOut.get("long")).toBeGreaterThan(1);
    const limit = async (id: string, token: string) => (await (await api(`/v1/runs/${id}/endpoint-limit`, { token })).json()) as { ceiling: number };
    expect((await limit(fast.id, bob)).ceiling).toBe(4);
    expect((await limit(slow.id, alice)).ceiling).toBe(1);
  });

  it("pauses only the throttled credential: one key's 429 leaves another key's calls going", async () => {
    const [alice, bob] = [await newAccount(), await newAccount()];
    perRunUpstream(byLength, async (run) => (run === "short" ? new Response(JSON.stringify({ error: { message: "slow down" } }), { status: 429, headers: { "retry-after": "60" } }) : ok()));
    const model = { model: "tenant-throttled" };
    const throttled = await submitted(alice, needleRun({ suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] }, { ...model, api_key: "sk-alice" }));
    // Bob's run (another key) finishes while Alice's key is paused.
    for (let i = 0; i < 100 && (await (await api(`/v1/runs/${throttled.id}/endpoint-limit`, { token: alice })).json() as { throttles: number }).throttles === 0; i++) await sleep(20);
    const other = await submitted(bob, needleRun({ suites: [{ type: "needle", context_lengths: [2000], depth_percents: [0, 50, 100] }] }, { ...model, api_key: "sk-bob" }));
    expect((await waitForStatus(other.id, ["succeeded", "failed"])).status).toBe("succeeded");
    const mine = (await (await api(`/v1/runs/${throttled.id}/endpoint-limit`, { token: alice })).json()) as { throttles: number; paused_until: string | null };
    const theirs = (await (await api(`/v1/runs/${other.id}/endpoint-limit`, { token: bob })).json()) as { throttles: number; paused_until: string | null };
    expect(mine.throttles).toBe(1);
    expect(mine.paused_until).not.toBeNull();
    expect(theirs).toMatchObject({ throttles: 0, paused_until: null });
    expect((await api(`/v1/runs/${throttled.id}/cancel`, { method: "POST", token: alice })).status).toBe(200);
  });
});
