// Checkpoint series: trends over steps and regressions flagged against the previous step.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, completionBody, createRun, fakeUpstream, needleRun, waitForStatus } from "./helpers";

afterEach(() => vi.unstubAllGlobals());

const NEEDLE = "eat a sandwich and sit in Dolores Park on a sunny day.";

describe("series", () => {
  it("shows each metric over the steps and flags a step that got worse", async () => {
    // Step 100 answers only at 1K, step 200 everywhere, step 300 nowhere: a regression.
    const answers: Record<string, (prompt: string) => string> = {
      "ckpt-100": (prompt) => (prompt.length < 8000 ? NEEDLE : "not sure"),
      "ckpt-200": () => NEEDLE,
      "ckpt-300": () => "not sure",
    };
    fakeUpstream(vi, (call) => new Response(completionBody(answers[call.body.model]!(call.body.prompt ?? ""))));
    const ids: string[] = [];
    for (const [model, step] of [["ckpt-100", 100], ["ckpt-200", 200], ["ckpt-300", 300]] as const) {
      const { id } = await createRun({ ...needleRun({}, { model, name: `7b@${step}` }), series: "toy-7b", step });
      await waitForStatus(id, ["succeeded"]);
      ids.push(id);
    }
    const series = (await (await api("/v1/series/toy-7b")).json()) as { metrics: string[]; points: { run_id: string; step: number; scores: Record<string, number>; regression: boolean }[] };
    expect(series.points.map((p) => p.step)).toEqual([100, 200, 300]);
    expect(series.points.map((p) => p.scores["needle.contains"])).toEqual([50, 100, 0]);
    expect(series.points.map((p) => p.regression)).toEqual([false, false, true]);
    expect(series.metrics).toContain("needle.paper");

    const last = (await (await api(`/v1/runs/${ids[2]}`)).json()) as { series: string; step: number; regression: { flagged: boolean; previous_run_id: string; drops: Record<string, number> } };
    expect(last).toMatchObject({ series: "toy-7b", step: 300 });
    expect(last.regression).toMatchObject({ flagged: true, previous_run_id: ids[1], margin: 5 });
    expect(last.regression.drops["needle.contains"]).toBe(100);
    const improved = (await (await api(`/v1/runs/${ids[1]}`)).json()) as { regression: { flagged: boolean; drops: Record<string, number> } };
    expect(improved.regression.flagged).toBe(false);
    expect(improved.regression.drops["needle.contains"]).toBe(-50);

    const page = await (await api("/series/toy-7b")).text();
    expect(page).toContain("Series toy-7b");
    expect(page.match(/<svg[^>]*role="img"/g)!.length).toBe(3); // needle.paper, needle.contains and the effective length
    expect(page).toContain("<strong>regression</strong>");
    expect((await api("/series/nope")).status).toBe(404);

    const board = (await (await api("/v1/leaderboard?series=toy-7b&sort=needle.contains&dir=desc")).json()) as { data: { step: number }[] };
    expect(board.data.map((r) => r.step)).toEqual([200, 100, 300]);
  });

  it("needs a series for a step, and 404s an unknown series", async () => {
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: { ...needleRun(), step: 5 } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/series");
    expect((await api("/v1/series/nope")).status).toBe(404);
  });
});
