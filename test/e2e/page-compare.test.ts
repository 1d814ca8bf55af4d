// The compare and series pages in a real browser (Debian's chromium) against the real local
// service: two checkpoints of a series — the 128K reference model, then the 4K one — whose
// difference is known (the 4K model loses most needles at 32K), compared from the series page.
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkBrowser } from "./browser-check";
import { bearer, startService, waitForRun } from "./support";
import { artifactPath, CHROMIUM_ARGS } from "./page-support";

// At 32K the 4K model reads only the end of the haystack: it finds the deepest needles, loses the rest.
const DEPTHS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const GRID = { type: "needle", context_lengths: [1000, 4000, 32000], depth_percents: DEPTHS };
const SERIES = "page-cmp-7b";
const browserCheck = checkBrowser();

let service: Awaited<ReturnType<typeof startService>>;
let browser: Browser | undefined;
const runs = { a: "", b: "" };

async function submit(model: string, step: number): Promise<string> {
  const base_url = `${service.url}/reference/v1`;
  const body = { model: { name: `cmp-${model}`, base_url, model, max_concurrency: 4 }, suites: [GRID], series: SERIES, step, tokens_trained: step * 10_000_000 };
  const res = await fetch(`${service.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", ...bearer(service.adminToken) }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
  const id = ((await res.json()) as { id: string }).id;
  expect((await waitForRun(service.url, id, undefined, service.adminToken)).status).toBe("succeeded");
  return id;
}

beforeAll(async () => {
  service = await startService();
  runs.a = await submit("extractive-128k", 100); // finishes first: the step the second is compared with
  runs.b = await submit("extractive-4k", 200);
  if (browserCheck.kind === "run") browser = await chromium.launch({ executablePath: browserCheck.path, args: CHROMIUM_ARGS });
}, 280_000);

afterAll(async () => {
  await browser?.close();
  service?.cleanup();
});

async function newPage(): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

describe("compare and series pages in chromium", () => {
  beforeEach((context) => {
    if (browserCheck.kind === "skip") context.skip(browserCheck.reason);
    if (browserCheck.kind === "fail") throw new Error(browserCheck.reason);
  });

  it("draws the series with the 4K step's regression ringed, at natural size, and compares the two ticked steps", async () => {
    const page = await newPage();
    await page.goto(`${service.url}/series/${SERIES}`);
    const chart = page.locator("#series-needle-contains");
    const flagged = chart.locator("g.point.flagged");
    expect(await flagged.count()).toBe(1);
    const b = (await (await fetch(`${service.url}/v1/runs/${runs.b}`)).json()) as { suites: { scores: Record<string, number> }[] };
    const lost = (100 - b.suites[0]!.scores.contains!).toFixed(1);
    expect(await flagged.locator("title").textContent()).toMatch(new RegExp(`: ${lost} points lost against step 100 \\(margin 5\\)$`));
    expect(await page.locator(`#regressions li[data-run-id="${runs.b}"]`).count()).toBe(1);
    // Natural size: 560 units drawn as 560 px, tick labels smaller than the chart's title.
    const box = await chart.boundingBox();
    expect(box!.width).toBeCloseTo(560, 0);
    const size = (selector: string) => page.locator(selector).first().evaluate((el) => Number.parseFloat((globalThis as any).getComputedStyle(el).fontSize));
    expect(await size("#series-needle-contains text")).toBeLessThan(await size("#series-needle-contains-heading"));
    await page.screenshot({ path: artifactPath("series.png"), fullPage: true });

    await page.click('nav[aria-label="x axis"] a[data-axis="tokens"]');
    await page.waitForURL(/x=tokens/);
    expect(await page.locator("#series-needle-contains text").allTextContents()).toEqual(expect.arrayContaining(["1B", "2B", "Training tokens"]));

    await page.check(`input[name="runs"][value="${runs.a}"]`);
    await page.check(`input[name="runs"][value="${runs.b}"]`);
    await page.click('#series-compare button[type="submit"]');
    await page.waitForURL(/\/compare\?runs=/);
    expect(await page.locator("h1").textContent()).toBe("Compare 2 runs");
    expect(await page.locator(".compared-runs li").evaluateAll((items) => items.map((li) => li.getAttribute("data-run-id")))).toEqual([runs.a, runs.b]);
    await page.context().close();
  });

  it("shows where B lost against A per cell, on a diverging scale, with the 32K loss beyond noise", async () => {
    type Cell = { context_length: number; depth_percent: number; difference: number };
    const known = (await (await fetch(`${service.url}/v1/compare?runs=${runs.a},${runs.b}&metric=contains`)).json()) as { grid: { differences: { cells: Cell[][] }[] } };
    const expected = known.grid.differences[0]!.cells.flat().map((c) => `${c.context_length}:${c.depth_percent}:${c.difference}`);
    // What the two models do: both find every needle at 1K and 4K; at 32K the 4K model loses most.
    expect(expected.filter((c) => !c.startsWith("32000:")).every((c) => c.endsWith(":0"))).toBe(true);
    expect(expected.filter((c) => c.startsWith("32000:") && c.endsWith(":-1")).length).toBeGreaterThanOrEqual(8);
    const page = await newPage();
    await page.goto(`${service.url}/compare?runs=${runs.a},${runs.b}&metric=contains`);
    expect(await page.locator("svg.heatmap").count()).toBe(2);
    const cells = page.locator("#difference-1 g.difference-cell");
    expect(await cells.count()).toBe(33);
    const drawn = await cells.evaluateAll((gs) => gs.map((g) => `${g.getAttribute("data-length")}:${g.getAttribute("data-depth")}:${g.getAttribute("data-difference")}`));
    expect(drawn.sort()).toEqual([...expected].sort());
    const fill = (selector: string) => page.locator(selector).first().evaluate((el) => (globalThis as any).getComputedStyle(el).fill as string);
    expect(await fill('#difference-1 g.difference-cell[data-length="32000"][data-difference="-1"] rect')).toBe("rgb(178, 24, 43)"); // −1: the scale's red end
    expect(await fill('#difference-1 g.difference-cell[data-length="1000"] rect')).toBe("rgb(247, 247, 247)"); // 0: near-white
    // One probe per run and cell is never beyond noise; the 32K column's eleven depths pooled are.
    expect(await page.locator("#difference-1 g.difference-cell .noise-mark").count()).toBe(0);
    expect(await page.locator('#difference-1 g.length-difference[data-beyond-noise="true"]').evaluateAll((gs) => gs.map((g) => g.getAttribute("data-length")))).toEqual(["32000"]);
    expect(await page.locator('#length-differences-1 tr[data-length="32000"] .beyond-noise').textContent()).toBe("beyond noise");
    expect(await page.locator('#compare-suites tr[data-metric="contains"] td[data-beyond-noise="true"]').count()).toBe(1);
    await page.screenshot({ path: artifactPath("compare.png"), fullPage: true });
    // A difference cell opens B's probe there.
    await page.click('#difference-1 g.difference-cell[data-length="32000"][data-depth="0"]');
    await page.waitForURL(new RegExp(`/runs/${runs.b}/probes/\\d+$`));
    await page.context().close();
  });
});
