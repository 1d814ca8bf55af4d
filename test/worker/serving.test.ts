// The serving fingerprint around the service: taken before a run's first call, kept on the run,
// shown on the run page, the leaderboard (JSON and CSV) and the API.
import { describe, expect, it } from "vitest";
import { api, createRun, REFERENCE_URL, waitForStatus } from "./helpers";

describe("the serving fingerprint", () => {
  it("records what the reference server says about itself and shows it", async () => {
    const { id } = await createRun({
      model: { name: "fingerprinted", base_url: REFERENCE_URL, api: "completions", model: "extractive-128k", tokenizer: "cl100k_base", context_window: 131072 },
      suites: [{ type: "needle", context_lengths: [1000], depth_percents: [0, 100] }],
      public: true,
    });
    const run = (await waitForStatus(id, ["succeeded", "failed"])) as { serving: Record<string, unknown> };
    expect(run.serving).toEqual({ engine: "ctxprobe-reference", version: null, model_id: "extractive-128k", max_model_len: 131072, server: null });
    expect(await (await api(`/runs/${id}`)).text()).toContain("ctxprobe-reference · extractive-128k · serves 131,072 tokens");
    const { data } = (await (await api("/v1/leaderboard?limit=500")).json()) as { data: { run_id: string; serving: unknown }[] };
    expect(data.find((r) => r.run_id === id)?.serving).toEqual({ engine: "ctxprobe-reference", version: null });
    expect((await (await api("/v1/leaderboard?format=csv")).text()).split("\r\n")[0]).toContain("engine,engine_version");
  });
});
