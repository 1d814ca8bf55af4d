// The public pages (server-rendered with hono/jsx, readable without JavaScript):
//   /                          leaderboard (protocol, sort and filters in the query string)
//   /runs/{id}                 run page: progress, heatmaps, curves, scores
//   /runs/{id}/events          live progress (Server-Sent Events)
//   /runs/{id}/probes/{idx}    one probe
//   /series/{name}             trends over the checkpoints of a series
// Private runs answer 404 on every page, exactly like unknown ones, unless the request carries the
// run's account token or the admin token. The pages read through the same domain calls as the API.
import { Hono, type Context } from "hono";
import type { Principal } from "../accounts/principal";
import { DomainError } from "../common/errors";
import type { AppEnv } from "../http/app-env";
import { visibleRun } from "../lifecycle/access";
import { boardEntries, reportedRows, reportedRulerRows } from "../lifecycle/leaderboard";
import { findProbe, rebuildPrompt, shownRun, visibleProgress } from "../lifecycle/runs";
import { seriesTrend } from "../lifecycle/series";
import { listProbes } from "../lifecycle/store/probes";
import { probeView, suitesOf } from "../lifecycle/views";
import { SUITES } from "../probes/suites";
import type { NeedleRecipe } from "../probes/suites/needle";
import type { NonliteralRecipe } from "../probes/suites/nonliteral";
import type { LossRecipe } from "../probes/suites/loss";
import type { MmluRecipe } from "../probes/suites/mmlu";
import { RUN_PAGE_SCRIPT, RUN_PAGE_SCRIPT_PATH } from "./client";
import { streamRunEvents } from "./events";
import { promptExcerpt, promptText, type PromptExcerpt } from "./excerpt";
import { NotFoundPage } from "./layout";
import { compareHref, LeaderboardPage, leaderboardView } from "./leaderboard";
import { Table3Page, table3Rows } from "./table3-page";
import { ProbePage } from "./probe-page";
import { RunPage } from "./run-page";
import { SeriesPage, seriesAxis } from "./series-page";
import { comparePages } from "./compare-page";

export const webRoutes = new Hono<AppEnv>();

const notFound = (c: Context<AppEnv>, what: string) => c.html(<NotFoundPage what={what} />, 404);

/** The domain's answer, or undefined where it says there is nothing to show this viewer. */
async function orMissing<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof DomainError && error.kind === "not-found") return undefined;
    throw error;
  }
}

webRoutes.get(RUN_PAGE_SCRIPT_PATH, (c) => c.body(RUN_PAGE_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" }));

webRoutes.get("/", async (c) => {
  // "Compare selected" is a plain GET form: its ticked rows arrive as ?compare=A&compare=B.
  const selected = c.req.queries("compare") ?? [];
  const compare = compareHref(selected);
  if (compare) return c.redirect(compare, 303);
  return c.html(<LeaderboardPage view={leaderboardView(await boardEntries(c.env), [...reportedRows(), ...reportedRulerRows()], c.req.query(), selected.length)} />);
});

webRoutes.get("/table3", async (c) => {
  const measured = (await boardEntries(c.env)).map((e) => e.row);
  return c.html(<Table3Page rows={table3Rows(measured, reportedRows())} />);
});

webRoutes.get("/runs/:id", async (c) => {
  const id = c.req.param("id");
  const run = await orMissing(visibleRun(c.env, c.get("principal"), id));
  if (!run) return notFound(c, `There is no public run ${id}.`);
  const probes = await listProbes(c.env.DB, id);
  const metrics = SUITES.needle.metrics;
  const asked = c.req.query("metric") ?? "";
  const metric = metrics.includes(asked) ? asked : metrics[0]!;
  const recipes = run.suites.filter((r): r is NeedleRecipe => r.type === "needle");
  const nonliteral = run.suites.filter((r): r is NonliteralRecipe => r.type === "nonliteral");
  const loss = run.suites.filter((r): r is LossRecipe => r.type === "loss");
  const mmlu = run.suites.filter((r): r is MmluRecipe => r.type === "mmlu");
  const resource = await shownRun(c.env, run, suitesOf(run, probes), { manages: false });
  return c.html(<RunPage run={run} resource={resource} recipes={recipes} nonliteral={nonliteral} loss={loss} mmlu={mmlu} probes={probes} metric={metric} metrics={metrics} />);
});

webRoutes.route("/", comparePages); // /compare

webRoutes.get("/series/:name", async (c) => {
  const name = c.req.param("name");
  const series = await orMissing(seriesTrend(c.env, name));
  if (!series) return notFound(c, `There is no public series ${name}.`);
  return c.html(<SeriesPage name={name} points={series.points} metrics={series.metrics} axis={seriesAxis(series.points, c.req.query("x"))} />);
});

webRoutes.get("/runs/:id/events", async (c) => {
  const id = c.req.param("id");
  const first = await visibleProgress(c.env, c.get("principal"), id);
  if (!first) return notFound(c, `There is no public run ${id}.`);
  return streamRunEvents(c, id, first);
});

webRoutes.get("/runs/:id/probes/:idx{[0-9]+}", async (c) => {
  const id = c.req.param("id");
  const idx = Number(c.req.param("idx"));
  const found = await orMissing(findProbe(c.env, c.get("principal"), id, idx));
  if (!found) return notFound(c, `There is no probe ${idx} in a public run ${id}.`);
  return c.html(<ProbePage run={found.run} probe={probeView(found.probe)} excerpt={await excerptOf(c.env, c.get("principal"), found)} />);
});

/** The probe's prompt rebuilt from the run's recipe (as GET …/prompt does), cut to an excerpt; or why it cannot be. */
async function excerptOf(env: Env, viewer: Principal | null, { run, probe }: Awaited<ReturnType<typeof findProbe>>): Promise<PromptExcerpt | string> {
  try {
    return promptExcerpt(promptText((await rebuildPrompt(env, viewer, run, probe)).prompt), probe.facts?.suite === "nonliteral" ? probe.facts.needle : probe.facts?.answers[0]);
  } catch (error) {
    return String(error instanceof Error ? error.message : error);
  }
}
