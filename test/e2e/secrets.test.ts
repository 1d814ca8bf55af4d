// Secrets at rest, for real: a whole evaluation with a unique marker API key against an endpoint on
// loopback. The endpoint must receive the key; nothing else may ever show it: no API answer, no
// page, no log line of the service, and no byte of its local D1 (or any other state file).
import { once } from "node:events";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allProbes, bearer, startFakeEndpoint, startService, waitForRun, type FakeEndpoint } from "./support";

const MARKER = `sk-marker-${crypto.randomUUID()}`;

let service: Awaited<ReturnType<typeof startService>>;
let endpoint: FakeEndpoint;
let output = "";

beforeAll(async () => {
  endpoint = await startFakeEndpoint(() => "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.");
  // "pipe": wrangler's output, the Worker's console lines included, is collected here.
  service = await startService({}, { output: "pipe" });
  service.process.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  service.process.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
});

afterAll(async () => {
  await endpoint?.close();
  service?.cleanup();
});

/** Every file under the state folder (D1's sqlite files and their WAL, queues, R2, secrets file). */
function stateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? stateFiles(path) : [path];
  });
}

describe("an endpoint API key", () => {
  it("reaches the endpoint and appears in no response, no log line and no stored byte", async () => {
    const auth = bearer(service.adminToken);
    const body = {
      model: { name: "marker-model", base_url: endpoint.url, model: "marker", api_key: MARKER, tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 3, request_timeout_s: 30 },
      suites: [{ type: "needle", context_lengths: [1000, 4000], depth_percents: [0, 50, 100] }],
      public: true,
    };
    const post = (query = "", headers: Record<string, string> = {}) =>
      fetch(`${service.url}/v1/runs${query}`, { method: "POST", headers: { "content-type": "application/json", ...auth, ...headers }, body: JSON.stringify(body) });

    const answers: string[] = [];
    const dry = await post("?dry_run=true");
    expect(dry.status).toBe(200);
    answers.push(await dry.text());
    const submitted = await post("", { "idempotency-key": "secrets-e2e" });
    expect(submitted.status).toBe(202);
    const submittedText = await submitted.text();
    answers.push(submittedText);
    const id = (JSON.parse(submittedText) as { id: string }).id;
    // A replay answers with the stored run: still no key.
    answers.push(await (await post("", { "idempotency-key": "secrets-e2e" })).text());

    const done = await waitForRun(service.url, id, undefined, service.adminToken);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({ total: 6, done: 6, failed: 0 });

    // The endpoint did receive the key, on every call.
    const calls = endpoint.calls.filter((c) => c.body.model === "marker");
    expect(calls).toHaveLength(6);
    expect(calls.every((c) => c.authorization === `Bearer ${MARKER}`)).toBe(true);

    const probes = await allProbes(service.url, id, service.adminToken);
    answers.push(JSON.stringify(probes));
    const paths = [
      `/v1/runs/${id}`,
      "/v1/runs?limit=500",
      `/v1/runs/${id}/probes/0`,
      `/v1/runs/${id}/probes/0/prompt`,
      `/v1/runs/${id}/heatmap?metric=paper`,
      "/v1/leaderboard",
      "/v1/leaderboard?format=csv",
      "/v1/account",
      "/",
      `/runs/${id}`,
      `/runs/${id}/probes/0`,
      `/runs/${id}/events`,
      "/openapi.json",
      "/docs",
    ];
    for (const path of paths) {
      for (const headers of [auth, {}]) {
        const res = await fetch(`${service.url}${path}`, { headers });
        expect(res.status, path).toBe(path === "/v1/account" && !("authorization" in headers) ? 401 : 200);
        answers.push(await res.text());
      }
    }
    // The surfaces were really read: the run shows up in them.
    expect(answers.filter((a) => a.includes(id)).length).toBeGreaterThan(paths.length);
    for (const answer of answers) expect(answer).not.toContain(MARKER);

    // No log line: and the log was really captured (the finalizer's line for this run is in it).
    await expect.poll(() => output.includes(id), { timeout: 10_000 }).toBe(true);
    expect(output).not.toContain(MARKER);

    // Nothing stored in plaintext: stop the service so every write has landed, then read every byte.
    service.process.kill("SIGTERM");
    if (service.process.exitCode === null) await once(service.process, "exit");
    const files = stateFiles(service.stateDir);
    const bytes = files.map((f) => readFileSync(f));
    expect(bytes.some((b) => b.includes(id)), "the run is in the state folder").toBe(true);
    expect(files.filter((f, i) => bytes[i]!.includes(MARKER))).toEqual([]);
    expect(output).not.toContain(MARKER);
    rmSync(service.stateDir, { recursive: true, force: true });
  });
});
