// An endpoint that never answers: the run fails fast (once a probe has tried three times and the
// run is 20 s old — backdated here so the test takes seconds), naming the URL and what went wrong,
// and says while it waits that probes are being retried; an endpoint that answered once is not given up on.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, completionBody, createRun, fakeUpstream, needleRun, waitForStatus } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const backdate = (id: string) => env.DB.prepare("UPDATE runs SET created_at = created_at - 60000 WHERE id = ?").bind(id).run();

describe("an unreachable endpoint", () => {
  it("fails the run within seconds with the URL and the error class, cancelling what was not sent; retries show while it waits", async () => {
    const calls = fakeUpstream(vi, () => {
      throw new TypeError("Network connection lost.");
    });
    const { id } = await createRun(needleRun());
    await backdate(id);
    let seenRetrying: { retrying: number; last_error: string | null } | null = null;
    for (let i = 0; i < 100 && !seenRetrying; i++) {
      const live = (await (await api(`/v1/runs/${id}`)).json()) as { status: string; progress: { retrying: number }; last_error: string | null };
      if (live.progress.retrying > 0) seenRetrying = { retrying: live.progress.retrying, last_error: live.last_error };
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(seenRetrying?.last_error).toMatch(/cannot reach https:\/\/models\.example\.com\/v1\/completions \(connection lost\): Network connection lost/);
    const page = await (await api(`/runs/${id}`)).text();
    expect(page).toMatch(/waiting to be retried; last error: attempt \d: cannot reach https:\/\/models\.example\.com/);

    const started = Date.now();
    const run = (await waitForStatus(id, ["failed", "succeeded"], 30_000)) as { status: string; error: string; progress: { retrying: number }; last_error: string | null };
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^the endpoint never answered: cannot reach https:\/\/models\.example\.com\/v1\/completions \(connection lost\): Network connection lost\. \(3 attempts over \d+ s, no probe got a reply\)/);
    expect(run).toMatchObject({ progress: { retrying: 0 }, last_error: null });
    const { results } = await env.DB.prepare("SELECT status, count(*) AS n FROM probes WHERE run_id = ? GROUP BY status").bind(id).all<{ status: string; n: number }>();
    expect(results.find((r) => r.status === "pending")).toBeUndefined();
    expect(results.find((r) => r.status === "cancelled")?.n).toBeGreaterThan(0);
    const sent = calls.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(calls.length).toBe(sent); // nothing more is sent
  }, 40_000);

  it("keeps retrying an endpoint that has answered once (its later errors do not end the run)", async () => {
    let answered = 0;
    fakeUpstream(vi, () => {
      if (answered++ === 0) return new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day."));
      throw new TypeError("Network connection lost.");
    });
    const { id } = await createRun(needleRun({}, { max_concurrency: 1 }));
    await backdate(id);
    await new Promise((r) => setTimeout(r, 7000));
    const run = (await (await api(`/v1/runs/${id}`)).json()) as { status: string; progress: { done: number } };
    expect(run.status).toBe("running");
    expect(run.progress.done).toBe(1);
    expect((await api(`/v1/runs/${id}/cancel`, { method: "POST" })).status).toBe(200);
  }, 20_000);
});
