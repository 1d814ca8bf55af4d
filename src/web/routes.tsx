// The public pages (server-rendered with hono/jsx, readable without JavaScript):
//   /                          leaderboard (sort and filters in the query string)
//   /runs/{id}                 run page: progress, heatmaps, curves, scores
//   /runs/{id}/events          live progress (Server-Sent Events)
//   /runs/{id}/probes/{idx}    one probe
//   /series/{name}             trends over the checkpoints of a series
// Private runs answer 404 on every page, exactly like unknown ones, unless the request carries the
// run's account token or the admin token.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../http/app-env";
import type { ProbeRow, RunRow } from "../db/schema";
import { probeResource, runResource } from "../api/resources";
import { suiteContext } from "../catalog/corpora";
import { database, getProbe, leaderboardRuns, listProbes, pointOf, recipesOf } from "../lifecycle/store";
import { SUITES, suiteOf } from "../probes/suites";
import { streamRunEvents } from "./events";
import { promptExcerpt, promptText, type PromptExcerpt } from "./excerpt";
import { NotFoundPage } from "./layout";
import { boardRows, LeaderboardPage, parseBoardQuery, viewRows } from "./leaderboard";
import { ProbePage } from "./probe-page";
import { runProgress, visibleRunFor } from "./queries";
import { canSee } from "../http/auth";
import { RunPage } from "./run-page";
import { SeriesPage } from "./series-page";
import { seriesMetrics, seriesPoints } from "../lifecycle/series";

export const webRoutes = new Hono<AppEnv>();

const notFound = (c: Context<AppEnv>, what: string) => c.html(<NotFoundPage what={what} />, 404);

webRoutes.get("/", async (c) => {
  const query = parseBoardQuery(c.req.query());
  const rows = boardRows(await leaderboardRuns(database(c.env.DB), 1000));
  return c.html(<LeaderboardPage rows={viewRows(rows, query)} total={rows.length} query={query} />);
});

webRoutes.get("/runs/:id", async (c) => {
  const id = c.req.param("id");
  const db = database(c.env.DB);
  const run = await visibleRunFor(db, id, c.get("principal"));
  if (!run) return notFound(c, `There is no public run ${id}.`);
  const probes = await listProbes(db, id);
  const metrics = SUITES.needle.metrics;
  const asked = c.req.query("metric") ?? "";
  const metric = metrics.includes(asked) ? asked : metrics[0]!;
  const recipes = recipesOf(run).filter((r) => r.type === "needle");
  return c.html(<RunPage run={run} resource={runResource(run, probes, { manages: false })} recipes={recipes} probes={probes} metric={metric} metrics={metrics} />);
});

webRoutes.get("/series/:name", async (c) => {
  const name = c.req.param("name");
  const points = await seriesPoints(c.env, name);
  if (!points.length) return notFound(c, `There is no public series ${name}.`);
  return c.html(<SeriesPage name={name} points={points} metrics={seriesMetrics(points)} />);
});

webRoutes.get("/runs/:id/events", async (c) => {
  const id = c.req.param("id");
  const first = await runProgress(database(c.env.DB), id);
  if (!first || !canSee(c.get("principal"), first)) return notFound(c, `There is no public run ${id}.`);
  return streamRunEvents(c, id, first);
});

webRoutes.get("/runs/:id/probes/:idx{[0-9]+}", async (c) => {
  const id = c.req.param("id");
  const idx = Number(c.req.param("idx"));
  const db = database(c.env.DB);
  const run = await visibleRunFor(db, id, c.get("principal"));
  const probe = run ? await getProbe(db, id, idx) : undefined;
  if (!run || !probe) return notFound(c, `There is no probe ${idx} in a public run ${id}.`);
  return c.html(<ProbePage run={run} probe={probeResource(probe)} excerpt={await rebuildExcerpt(c, run, probe)} />);
});

/** Rebuilds the probe's prompt from the run's recipe (as GET …/prompt does) and cuts the excerpt. */
async function rebuildExcerpt(c: Context<AppEnv>, run: RunRow, probe: ProbeRow): Promise<PromptExcerpt | string> {
  const recipe = recipesOf(run).find((r) => r.index === probe.suiteIndex);
  if (!recipe) return "the run has no recipe for this probe's suite";
  try {
    const built = await suiteOf(recipe).build(recipe as never, pointOf(probe), suiteContext(c.env));
    return promptExcerpt(promptText(built.prompt));
  } catch (error) {
    return String(error instanceof Error ? error.message : error);
  }
}
