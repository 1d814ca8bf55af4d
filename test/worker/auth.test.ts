// Authentication, run ownership, secrets at rest and caps, through the real Worker and local D1.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { suiteContext } from "../../src/catalog/corpora";
import { probeMessage } from "../../src/lifecycle/messages";
import { insertRun } from "../../src/lifecycle/store/runs";
import { SUITES } from "../../src/probes/suites";
import { ADMIN_TOKEN, api, completionBody, fakeUpstream, hangUntilAborted, needleRun, ORIGIN, runRow, waitForStatus, type UpstreamCall } from "./helpers";

let upstream: UpstreamCall[];
beforeEach(() => {
  upstream = fakeUpstream(vi, () => new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } }));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

type Problem = { type: string; status: number; detail: string; errors?: { pointer: string; detail: string }[] };

async function problemOf(res: Response, status: number): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as Problem;
  expect(body.status).toBe(status);
  return body;
}

async function newAccount(name: string, extra: Record<string, unknown> = {}) {
  const res = await api("/v1/accounts", { method: "POST", json: { name, ...extra } });
  expect(res.status).toBe(201);
  return (await res.json()) as { account: { id: string; name: string; runs_per_day: number | null }; token: { id: string; token: string; account_id: string } };
}

async function submit(token: string | null, body: unknown, query = "") {
  return api(`/v1/runs${query}`, { method: "POST", json: body, token });
}

async function sha256Hex(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("tokens", () => {
  it("refuses a submission without a token: 401, WWW-Authenticate: Bearer, before validating the body", async () => {
    const res = await submit(null, { not: "a run" });
    const body = await problemOf(res, 401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
    expect(body.type).toBe("/problems/unauthorized");
  });

  it("refuses an unknown or malformed token everywhere with 401", async () => {
    for (const header of ["Bearer ctp_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "ctp_no_scheme"]) {
      for (const path of ["/v1/leaderboard", "/v1/runs"]) {
        const res = await api(path, { token: null, headers: { authorization: header } });
        await problemOf(res, 401);
        expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
      }
    }
  });

  it("lets the admin create accounts and tokens; tokens are stored only as SHA-256", async () => {
    const created = await newAccount("acme", { token_name: "ci" });
    expect(created.token.token).toMatch(/^ctp_[A-Za-z0-9_-]{43}$/);
    expect(created.token.account_id).toBe(created.account.id);

    const second = await api(`/v1/accounts/${created.account.id}/tokens`, { method: "POST", json: { name: "laptop" } });
    expect(second.status).toBe(201);
    const token2 = (await second.json()) as { id: string; token: string; name: string };
    expect(token2.name).toBe("laptop");
    expect(token2.token).not.toBe(created.token.token);
    const unnamed = await api(`/v1/accounts/${created.account.id}/tokens`, { method: "POST" });
    expect(((await unnamed.json()) as { name: string }).name).toBe("default");

    const { results } = await env.DB.prepare("SELECT * FROM api_tokens WHERE account_id = ?").bind(created.account.id).all<Record<string, unknown>>();
    expect(results).toHaveLength(3);
    const stored = JSON.stringify(results);
    expect(stored).not.toContain(created.token.token);
    expect(stored).not.toContain(token2.token);
    expect(results.map((r) => r.hash)).toContain(await sha256Hex(created.token.token));

    const me = await api("/v1/account", { token: created.token.token });
    expect(me.status).toBe(200);
    const whoami = (await me.json()) as { account: { id: string }; admin: boolean; token_id: string; runs_per_day: number };
    expect(whoami).toMatchObject({ account: { id: created.account.id }, admin: false, token_id: created.token.id, runs_per_day: 100 });
    const row = await env.DB.prepare("SELECT last_used_at FROM api_tokens WHERE id = ?").bind(created.token.id).first<{ last_used_at: number | null }>();
    expect(row?.last_used_at).not.toBeNull();

    const admin = (await (await api("/v1/account")).json()) as { account: { id: string }; admin: boolean; runs_per_day: number | null };
    expect(admin).toMatchObject({ account: { id: "admin" }, admin: true, runs_per_day: null });
  });

  it("keeps admin routes for the admin: 401 without a token, 403 with an account token", async () => {
    const { token } = await newAccount("beta");
    await problemOf(await api("/v1/accounts", { method: "POST", json: { name: "x" }, token: null }), 401);
    await problemOf(await api("/v1/accounts", { method: "POST", json: { name: "x" }, token: token.token }), 403);
    await problemOf(await api(`/v1/accounts/${token.account_id}/tokens`, { method: "POST", token: token.token }), 403);
    await problemOf(await api("/v1/accounts/acc_missing/tokens", { method: "POST" }), 404);
    const invalid = await problemOf(await api("/v1/accounts", { method: "POST", json: { name: "", extra: 1 } }), 422);
    expect(invalid.errors?.map((e) => e.pointer).sort()).toEqual(["/extra", "/name"]);
  });

  it("refuses a revoked token with 401", async () => {
    const { token } = await newAccount("gamma");
    expect((await api("/v1/account", { token: token.token })).status).toBe(200);
    const revoked = await api(`/v1/tokens/${token.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revoked_at: string | null }).revoked_at).not.toBeNull();
    await problemOf(await api("/v1/account", { token: token.token }), 401);
    await problemOf(await submit(token.token, needleRun()), 401);
  });

  it("lets an account revoke its own tokens but not another account's", async () => {
    const a = await newAccount("delta");
    const b = await newAccount("epsilon");
    await problemOf(await api(`/v1/tokens/${b.token.id}`, { method: "DELETE", token: a.token.token }), 404);
    expect((await api("/v1/account", { token: b.token.token })).status).toBe(200);
    expect((await api(`/v1/tokens/${a.token.id}`, { method: "DELETE", token: a.token.token })).status).toBe(200);
    await problemOf(await api("/v1/account", { token: a.token.token }), 401);
  });

  it("documents the bearer scheme in the OpenAPI document", async () => {
    const doc = (await (await api("/openapi.json", { token: null })).json()) as {
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/v1/runs"]!.post!.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/v1/accounts"]!.post!.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/v1/runs/{id}"]!.get!.security).toEqual([{}, { bearerAuth: [] }]);
  });
});

describe("run ownership", { timeout: 30_000 }, () => {
  it("hides a private run from other accounts and anonymous readers, everywhere", async () => {
    const owner = await newAccount("owner");
    const other = await newAccount("other");
    const res = await submit(owner.token.token, needleRun({ public: false }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await runRow(id))?.account_id).toBe(owner.account.id);
    await waitForStatus(id, ["succeeded"]);

    const paths = [`/v1/runs/${id}`, `/v1/runs/${id}/probes`, `/v1/runs/${id}/probes/0`, `/v1/runs/${id}/probes/0/prompt`, `/v1/runs/${id}/heatmap`];
    for (const path of paths) {
      for (const token of [null, other.token.token]) await problemOf(await api(path, { token }), 404);
      expect((await api(path, { token: owner.token.token })).status).toBe(200);
      expect((await api(path)).status).toBe(200); // admin
    }
    for (const page of [`/runs/${id}`, `/runs/${id}/probes/0`, `/runs/${id}/events`]) {
      expect((await api(page, { token: null })).status).toBe(404);
      expect((await api(page, { token: other.token.token })).status).toBe(404);
    }
    const ownPage = await api(`/runs/${id}`, { token: owner.token.token });
    expect(ownPage.status).toBe(200);
    expect(await ownPage.text()).toContain(id);

    const listed = async (token: string | null) => ((await (await api("/v1/runs?limit=500", { token })).json()) as { data: { id: string }[] }).data.map((r) => r.id);
    expect(await listed(null)).not.toContain(id);
    expect(await listed(other.token.token)).not.toContain(id);
    expect(await listed(owner.token.token)).toContain(id);
    expect(await listed(ADMIN_TOKEN)).toContain(id);

    const board = (await (await api("/v1/leaderboard?limit=500", { token: null })).json()) as { data: { run_id: string }[] };
    expect(board.data.map((r) => r.run_id)).not.toContain(id);
    expect(await (await api("/", { token: null })).text()).not.toContain(id);
    expect(await (await api("/v1/leaderboard?format=csv&limit=500", { token: owner.token.token })).text()).not.toContain(id);
  });

  it("scopes Idempotency-Key to the account", async () => {
    const a = await newAccount("idem-a");
    const b = await newAccount("idem-b");
    const headers = { "idempotency-key": "shared-key-1" };
    const first = (await (await api("/v1/runs", { method: "POST", json: needleRun(), headers, token: a.token.token })).json()) as { id: string };
    const again = (await (await api("/v1/runs", { method: "POST", json: needleRun(), headers, token: a.token.token })).json()) as { id: string };
    const other = (await (await api("/v1/runs", { method: "POST", json: needleRun(), headers, token: b.token.token })).json()) as { id: string };
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    await waitForStatus(first.id, ["succeeded"]);
    await waitForStatus(other.id, ["succeeded"]);
  });

  it("requires a token to upload corpora and datasets", async () => {
    await problemOf(await api("/v1/corpora", { method: "POST", json: { name: "c", files: [{ name: "a.txt", text: "x" }] }, token: null }), 401);
    await problemOf(await api("/v1/datasets?task=longbook_qa_eng", { method: "POST", body: "{}\n", headers: { "content-type": "application/x-ndjson" }, token: null }), 401);
  });
});

describe("endpoint API keys at rest", { timeout: 30_000 }, () => {
  it("stores the key sealed, sends it upstream, and never returns it", async () => {
    const marker = `sk-marker-${crypto.randomUUID()}`;
    const res = await submit(ADMIN_TOKEN, needleRun({}, { api_key: marker }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await waitForStatus(id, ["succeeded"]);
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.every((call) => call.headers.get("authorization") === `Bearer ${marker}`)).toBe(true);

    const row = (await runRow(id))!;
    expect(row).not.toHaveProperty("api_key");
    expect(String(row.api_key_sealed)).toMatch(/^v1\.test\./);
    expect(JSON.stringify(row)).not.toContain(marker);
    for (const path of [`/v1/runs/${id}`, `/v1/runs/${id}/probes`, "/v1/runs?limit=500"]) expect(await (await api(path)).text()).not.toContain(marker);
  });

  it("fails a probe without calling the endpoint when its sealed key does not open (copied from another run)", async () => {
    const donor = (await (await submit(ADMIN_TOKEN, needleRun({}, { api_key: "sk-donor-key" }))).json()) as { id: string };
    await waitForStatus(donor.id, ["succeeded"]);
    const sealed = (await runRow(donor.id))!.api_key_sealed as string;
    // A run written straight to D1 (not dispatched) with the donor's sealed key: the consumer must
    // refuse to open it, because the key is bound to the donor's run id.
    const id = `run_swapped_${Date.now()}`;
    const recipe = await SUITES.needle.resolve({ type: "needle", corpus: "sotu", context_lengths: [1000], depth_percents: [50] }, { api: "completions", tokenizer: "cl100k_base", contextWindow: 131072 }, 0, suiteContext(env, null));
    const model = needleRun().model;
    await insertRun(env.DB, {
      id, model: { ...model, name: "swapped" } as never, apiKeySealed: sealed, credential: "account:admin", accountId: "admin", internalEndpoint: false, reference: false,
      recipes: [recipe], points: SUITES.needle.plan(recipe), public: true, now: Date.now(), idempotencyKey: null, requestSha256: null,
    });
    const calls = upstream.length;
    const batch = createMessageBatch("ctxprobe-probes", [{ id: `m-${id}`, timestamp: new Date(), attempts: 1, body: probeMessage(id, 0) }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`m-${id}`]);
    expect(upstream.length).toBe(calls);
    const probe = (await (await api(`/v1/runs/${id}/probes/0`)).json()) as { status: string; error: string };
    expect(probe.status).toBe("failed");
    expect(probe.error).toMatch(/API key cannot be opened/);
    expect(JSON.stringify(probe)).not.toContain("sk-donor-key");
  });

  it("answers 503 'secrets storage not configured' for a key without SECRETS_KEYS, and still runs keyless submissions", async () => {
    const bare = { ...env, SECRETS_KEYS: undefined } as unknown as Env;
    const call = async (body: unknown, query = "") => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}/v1/runs${query}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(body) }),
        bare,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const before = await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>();
    for (const query of ["", "?dry_run=true"]) {
      const refused = await problemOf(await call(needleRun({}, { api_key: "sk-never-stored" }), query), 503);
      expect(refused.type).toBe("/problems/secrets-unavailable");
      expect(refused.detail).toContain("secrets storage not configured");
      expect(JSON.stringify(refused)).not.toContain("sk-never-stored");
    }
    const after = await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);

    const keyless = await call(needleRun());
    expect(keyless.status).toBe(202);
    await waitForStatus(((await keyless.json()) as { id: string }).id, ["succeeded"]);
  });
});

describe("caps", () => {
  it("answers 429 with Retry-After once an account has used its daily runs; dry runs do not count", async () => {
    const { token } = await newAccount("capped", { runs_per_day: 2 });
    for (let i = 0; i < 3; i++) expect((await submit(token.token, needleRun(), "?dry_run=true")).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await submit(token.token, needleRun());
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const refused = await submit(token.token, needleRun());
    const body = await problemOf(refused, 429);
    expect(body.type).toBe("/problems/quota-exceeded");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    // Dry runs are still planned, and runs older than 24 h no longer count.
    expect((await submit(token.token, needleRun(), "?dry_run=true")).status).toBe(200);
    await env.DB.prepare("UPDATE runs SET created_at = created_at - 86400001 WHERE id = ?").bind(ids[0]).run();
    expect((await submit(token.token, needleRun())).status).toBe(202);
    const me = (await (await api("/v1/account", { token: token.token })).json()) as { runs_last_24h: number; runs_per_day: number };
    expect(me).toMatchObject({ runs_last_24h: 2, runs_per_day: 2 });
  });

  it("holds the daily cap under a burst of parallel submissions: exactly the cap gets in, nothing half-stored", async () => {
    const { token } = await newAccount("burst", { runs_per_day: 3 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => submit(token.token, needleRun())));
    expect(answers.map((r) => r.status).sort()).toEqual([202, 202, 202, ...Array(7).fill(429)]);
    const stored = await env.DB.prepare(
      "SELECT count(*) AS runs, (SELECT count(*) FROM probes WHERE run_id IN (SELECT id FROM runs WHERE account_id = ?)) AS probes FROM runs WHERE account_id = ?",
    )
      .bind(token.account_id, token.account_id)
      .first<{ runs: number; probes: number }>();
    expect(stored).toEqual({ runs: 3, probes: 3 * 6 });
    // No orphan probe rows from the refused submissions.
    const orphans = await env.DB.prepare("SELECT count(*) AS n FROM probes WHERE run_id NOT IN (SELECT id FROM runs)").first<{ n: number }>();
    expect(orphans!.n).toBe(0);
    for (const res of answers.filter((r) => r.status === 202)) await waitForStatus(((await res.json()) as { id: string }).id, ["succeeded"]);
  });

  it("applies RUNS_PER_ACCOUNT_PER_DAY when the account has no cap of its own", async () => {
    const { token } = await newAccount("default-cap");
    await env.DB.batch(
      Array.from({ length: 100 }, (_, i) =>
        env.DB.prepare(
          `INSERT INTO runs (id, status, model_name, model_json, suites_json, total, created_at, last_progress_at, account_id, public)
           VALUES (?, 'succeeded', 'm', '{}', '[]', 0, ?, ?, ?, 0)`,
        ).bind(`run_cap_${i}_${token.account_id}`, Date.now() - i * 1000, Date.now(), token.account_id),
      ),
    );
    await problemOf(await submit(token.token, needleRun()), 429);
  });

  it("refuses a max_concurrency above the cap and a context length above the cap, with pointers", async () => {
    const concurrency = await problemOf(await submit(ADMIN_TOKEN, needleRun({}, { max_concurrency: 65 })), 422);
    expect(concurrency.errors?.map((e) => e.pointer)).toEqual(["/model/max_concurrency"]);
    expect((await submit(ADMIN_TOKEN, needleRun({}, { max_concurrency: 64 }), "?dry_run=true")).status).toBe(200);

    const long = needleRun({ suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }, { type: "needle", context_lengths: [1000, 140000], depth_percents: [50] }] }, { context_window: 262144 });
    const length = await problemOf(await submit(ADMIN_TOKEN, long, "?dry_run=true"), 422);
    expect(length.errors?.map((e) => e.pointer)).toEqual(["/suites/1"]);
    expect(length.errors?.[0]?.detail).toContain("131072");
  });

  it("limits the body size of account requests with 413", async () => {
    const res = await api("/v1/accounts", { method: "POST", json: { name: "x".repeat(20_000) } });
    await problemOf(res, 413);
  });
});

describe("cancel", () => {
  it("lets only the run's account or the admin cancel: 401 without a token, 403 on another's public run, 404 on another's private run", async () => {
    const owner = await newAccount("canceller");
    const other = await newAccount("bystander");
    // Runs whose probes never settle, so they stay cancellable (last in the file: calls hang until their timeout).
    vi.unstubAllGlobals();
    fakeUpstream(vi, hangUntilAborted);
    const pub = (await (await submit(owner.token.token, needleRun({}, { request_timeout_s: 5 }))).json()) as { id: string };
    const priv = (await (await submit(owner.token.token, needleRun({ public: false }, { request_timeout_s: 5 }))).json()) as { id: string };

    await problemOf(await api(`/v1/runs/${pub.id}/cancel`, { method: "POST", token: null }), 401);
    await problemOf(await api(`/v1/runs/${pub.id}/cancel`, { method: "POST", token: other.token.token }), 403);
    await problemOf(await api(`/v1/runs/${priv.id}/cancel`, { method: "POST", token: other.token.token }), 404);
    expect((await api(`/v1/runs/${pub.id}/cancel`, { method: "POST", token: owner.token.token })).status).toBe(200);
    expect((await api(`/v1/runs/${priv.id}/cancel`, { method: "POST" })).status).toBe(200); // admin
  });
});
