// ALLOW_PRIVATE_ENDPOINTS through the real Worker: off (as wrangler.toml ships it), a 10.x endpoint
// is refused at submission with the hint and nothing is stored; with the setting (passed as the
// Worker's env, as a self-hosted deployment would bind it), submission and each call pass the guard.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { suiteContext } from "../../src/catalog/corpora";
import { outboundGuard } from "../../src/config";
import { probeMessage } from "../../src/lifecycle/messages";
import { insertRun } from "../../src/lifecycle/store/runs";
import { SUITES } from "../../src/probes/suites";
import { answerStubDoh } from "../dns-stub";
import { ADMIN_TOKEN, api, completionBody, needleRun, ORIGIN, runRow, waitForStatus } from "./helpers";

const ENDPOINT = "http://10.0.0.5:8000/v1";
const HOOK = "http://10.0.0.9:9000/ctxprobe";
const HINT = "a self-hosted deployment can allow it with ALLOW_PRIVATE_ENDPOINTS=10.0.0.0/8";

type Problem = { type: string; status: number; errors?: { pointer: string; detail: string }[] };

let calls: string[];
beforeEach(() => {
  calls = [];
  // The cluster's vLLM at 10.0.0.5 (and nothing else): the Worker's outbound fetch runs in this isolate.
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const dns = answerStubDoh(request);
    if (dns) return dns;
    if (new URL(request.url).hostname !== "10.0.0.5") throw new Error(`unexpected outbound fetch to ${request.url}`);
    calls.push(request.url);
    return new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** This Worker's env with ALLOW_PRIVATE_ENDPOINTS set, as wrangler.toml [vars] would bind it. */
const withList = (list: string, more: Record<string, string> = {}) => ({ ...env, ALLOW_PRIVATE_ENDPOINTS: list, ...more }) as unknown as Env;

async function submitWith(workerEnv: Env, body: unknown, query = ""): Promise<Response> {
  const ctx = createExecutionContext();
  const headers = { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` };
  const res = await worker.fetch(new Request(`${ORIGIN}/v1/runs${query}`, { method: "POST", headers, body: JSON.stringify(body) }), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const runCount = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM runs").first<{ n: number }>())!.n;

describe("with ALLOW_PRIVATE_ENDPOINTS unset (production)", () => {
  it("ships off", () => {
    expect(env.ALLOW_PRIVATE_ENDPOINTS).toBe("");
    expect(outboundGuard(env).policy).toEqual({ allowLoopback: true });
  });

  it("refuses a 10.x endpoint with 422 at /model/base_url, saying how to allow it, and stores nothing", async () => {
    const before = await runCount();
    for (const query of ["", "?dry_run=true"]) {
      const res = await api(`/v1/runs${query}`, { method: "POST", json: needleRun({}, { base_url: ENDPOINT }) });
      expect(res.status).toBe(422);
      const problem = (await res.json()) as Problem;
      expect(problem.type).toContain("endpoint-rejected-url");
      expect(problem.errors).toEqual([{ pointer: "/model/base_url", detail: `host 10.0.0.5 is a private (RFC 1918) address; ${HINT}`, in: "body" }]);
    }
    expect(await runCount()).toBe(before);
    expect(calls).toEqual([]);
  });

  it("refuses a single-label endpoint and a 10.x webhook the same way, each at its field", async () => {
    const res = await api("/v1/runs", { method: "POST", json: needleRun({ webhook: { url: HOOK } }, { base_url: "http://gpu-node-3:8000/v1" }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors).toEqual([
      expect.objectContaining({ pointer: "/model/base_url", detail: expect.stringContaining("host gpu-node-3 is a single-label name, which resolves only on a local network; a self-hosted deployment can allow it with ALLOW_PRIVATE_ENDPOINTS=gpu-node-3") }),
      expect.objectContaining({ pointer: "/webhook/url", detail: `host 10.0.0.9 is a private (RFC 1918) address; ${HINT}` }),
    ]);
  });
});

describe("with ALLOW_PRIVATE_ENDPOINTS=10.0.0.0/8", () => {
  const cluster = withList("10.0.0.0/8");

  it("lets the guard through a listed address, never a metadata one inside a listed range", async () => {
    expect(await outboundGuard(cluster).check(ENDPOINT)).toMatchObject({ ok: true, resolved: null });
    // As in production, loopback off (these tests' env turns it on for their own endpoints).
    const wide = outboundGuard(withList("0.0.0.0/0,fd00::/8", { ALLOW_LOOPBACK_ENDPOINTS: "false" }));
    expect(await wide.check("http://169.254.169.254/latest")).toMatchObject({ ok: false, reason: expect.stringContaining("never allows metadata") });
    expect(await wide.check("http://[fd00:ec2::254]/")).toMatchObject({ ok: false, reason: expect.stringContaining("cloud metadata") });
    expect(await wide.check("http://127.0.0.1.nip.io/")).toMatchObject({ ok: false, reason: expect.stringContaining("loopback") });
  });

  it("accepts a run against a 10.x endpoint with a 10.x webhook: planned, then stored", async () => {
    const body = needleRun({ webhook: { url: HOOK } }, { base_url: ENDPOINT });
    const planned = await submitWith(cluster, body, "?dry_run=true");
    expect(planned.status, await planned.clone().text()).toBe(200);
    const accepted = await submitWith(cluster, body);
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    expect(JSON.parse(String((await runRow(id))!.model_json)).base_url).toBe(ENDPOINT);
    // This test's queue consumer runs with the Worker's own env, where the setting is off: each call
    // re-checks under its own configuration, so the probes fail without a call.
    const run = (await waitForStatus(id, ["failed", "succeeded"], 30_000)) as { status: string };
    expect(run.status).toBe("failed");
    const probe = (await (await api(`/v1/runs/${id}/probes/0`)).json()) as { status: string; error: string };
    expect(probe).toMatchObject({ status: "failed", error: `the endpoint URL is not allowed: host 10.0.0.5 is a private (RFC 1918) address; ${HINT}` });
    expect(calls).toEqual([]);
  });

  it("re-checks each call under the setting, and calls the listed endpoint", async () => {
    const id = `run_private_${Date.now()}`;
    const recipe = await SUITES.needle.resolve({ type: "needle", corpus: "sotu", context_lengths: [1000], depth_percents: [50] }, { api: "completions", tokenizer: "cl100k_base", contextWindow: 131072 }, 0, suiteContext(env, null));
    const model = needleRun({}, { base_url: ENDPOINT }).model;
    await insertRun(env.DB, {
      id, model: model as never, apiKeySealed: null, credential: "account:admin", accountId: "admin", internalEndpoint: false, reference: false,
      recipes: [recipe], points: SUITES.needle.plan(recipe), public: true, now: Date.now(), idempotencyKey: null, requestSha256: null,
    });
    const batch = createMessageBatch("ctxprobe-probes", [{ id: `m-${id}`, timestamp: new Date(), attempts: 1, body: probeMessage(id, 0) }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, cluster, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`m-${id}`]);
    // The completion call (and any other call the run makes to its endpoint) went to the listed address.
    expect(calls).toContain(`${ENDPOINT}/completions`);
    expect((await (await api(`/v1/runs/${id}/probes/0`)).json()) as { status: string }).toMatchObject({ status: "scored" });
  });
});

describe("with an invalid ALLOW_PRIVATE_ENDPOINTS", () => {
  it("refuses every URL, naming the bad entry, and logs it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const before = await runCount();
    const res = await submitWith(withList("10.0.0.0/8,gpu-node-3/24"), needleRun());
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors).toEqual([
      expect.objectContaining({ pointer: "/model/base_url", detail: expect.stringContaining('ALLOW_PRIVATE_ENDPOINTS entry "gpu-node-3/24" is not a valid IPv4 address or CIDR') }),
    ]);
    expect(await runCount()).toBe(before);
    expect(log.mock.calls.some(([line]) => String(line).includes('"event":"config.invalid"'))).toBe(true);
  });
});
