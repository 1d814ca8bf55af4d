// The run page in a real browser while a run progresses: heatmap cells fill in over SSE as probes
// settle (no reload), the outcome bar, pace and the endpoint's limiter update, and the finished page
// is swapped in without a reload; then every heatmap and chart downloads as SVG and PNG that parse.
// The endpoint is this test's own slow server on loopback.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkBrowser } from "./browser-check";
import { bearer, freePort, startService } from "./support";
import { artifactPath, CHROMIUM_ARGS } from "./page-support";

const browserCheck = checkBrowser();
const NEEDLE_ANSWER = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";
/** The browser's globals, for functions that run in the page (this project's TypeScript has no DOM lib; they cannot use this module's names). */
type InPage = { document: { querySelector(s: string): unknown; querySelectorAll(s: string): { length: number } }; getComputedStyle(el: unknown): { fill: string }; DOMParser: new () => any };

let service: Awaited<ReturnType<typeof startService>>;
let browser: Browser | undefined;
let endpoint: { url: string; probeCalls: () => number; close(): Promise<void> };

/**
 * Answers each probe after `delayMs`, without usage (so no length check applies), except the third
 * probe call, which it refuses with a 400: a failed probe for the bar's red segment and the hatch.
 */
async function startSlowNeedleEndpoint(delayMs: number) {
  let calls = 0;
  const server = createServer((req, res) => {
    if (req.method === "GET") return void res.writeHead(404).end(); // no info routes
    const preflight = req.headers["x-ctxprobe-purpose"] === "preflight";
    const n = preflight ? 0 : ++calls;
    req.resume();
    req.on("end", () =>
      setTimeout(
        () => {
          if (n === 3) return void res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "refused for the test" } }));
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ id: `slow-${n}`, object: "text_completion", choices: [{ index: 0, text: preflight ? "" : NEEDLE_ANSWER, finish_reason: preflight ? "length" : "stop" }] }));
        },
        preflight ? 0 : delayMs,
      ),
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/v1`, probeCalls: () => calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function submit(body: unknown): Promise<string> {
  const res = await fetch(`${service.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", ...bearer(service.adminToken) }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  service = await startService();
  endpoint = await startSlowNeedleEndpoint(1500);
  if (browserCheck.kind === "run") browser = await chromium.launch({ executablePath: browserCheck.path, args: CHROMIUM_ARGS });
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await endpoint?.close();
  service?.cleanup();
});

async function newPage(): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  return context.newPage();
}

let finishedRun = "";

describe("the live run page in chromium", () => {
  beforeEach((context) => {
    if (browserCheck.kind === "skip") context.skip(browserCheck.reason);
    if (browserCheck.kind === "fail") throw new Error(browserCheck.reason);
  });

  it("fills the heatmap in as probes settle, then shows the finished run without a reload", async () => {
    const id = await submit({
      model: { name: "page-live", base_url: endpoint.url, model: "slow", max_concurrency: 1, request_timeout_s: 30 },
      suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 50, 100] }],
    });
    const page = await newPage();
    await page.goto(`${service.url}/runs/${id}?metric=contains`);
    expect(await page.locator("[data-live]").getAttribute("data-live")).toBe("true");
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => {
      (globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    const drawn = () => page.locator('svg.heatmap rect.cell[data-status="scored"]').count();
    const drawnAtStart = await drawn();
    expect(drawnAtStart).toBeLessThan(6);

    // Cells turn green one by one while the page is still the live one.
    await page.waitForFunction(
      (start) => {
        const { document } = globalThis as unknown as InPage;
        return document.querySelectorAll('svg.heatmap rect.cell[data-status="scored"]').length >= start + 2 && document.querySelector('[data-live="true"]') !== null;
      },
      drawnAtStart,
      { timeout: 120_000 },
    );
    // Each second's cells come before its counters: every probe the counter has settled is drawn.
    const { done, drawnSettled } = await page.evaluate(() => {
      const { document } = globalThis as unknown as InPage;
      return { done: Number((document.querySelector('[data-progress="done"]') as { textContent: string }).textContent), drawnSettled: document.querySelectorAll('svg.heatmap rect.cell:not([data-status="pending"])').length };
    });
    expect(drawnSettled).toBeGreaterThanOrEqual(done);
    const green = page.locator('svg.heatmap rect.cell[data-status="scored"]').first();
    expect(await green.evaluate((el) => (globalThis as unknown as InPage).getComputedStyle(el).fill)).toBe("rgb(12, 215, 159)"); // contains 1: the scale's green
    expect(await green.evaluate((el) => (el.parentNode as unknown as { querySelector(s: string): { textContent: string } }).querySelector("title").textContent)).toMatch(/: score 1\.00$/);
    await expect.poll(() => page.locator("#run-pace").textContent(), { timeout: 20_000 }).toMatch(/^Rate: [\d.]+ probes\/min · ETA: /);
    await expect.poll(() => page.locator("#endpoint-limit").textContent(), { timeout: 20_000 }).toMatch(/^Endpoint: \d+ of 1 calls in flight/);
    expect(Number(await page.locator('#run-progress [data-segment="scored"]').evaluate((el) => parseFloat(el.style.width)))).toBeGreaterThan(0);
    await page.screenshot({ path: artifactPath("run-live-filling.png"), fullPage: true });

    // Finished: the page's content is swapped in, in the same document.
    await page.waitForSelector('[data-live="false"]', { timeout: 150_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await page.locator(".progress-row .badge").textContent()).toBe("succeeded");
    expect(await drawn()).toBe(5);
    expect(await page.locator('svg.heatmap rect.cell[data-status="failed"]').count()).toBe(1);
    const width = (outcome: string) => page.locator(`#run-progress [data-segment="${outcome}"]`).evaluate((el) => parseFloat(el.style.width));
    expect(await width("scored")).toBeCloseTo((100 * 5) / 6, 1);
    expect(await width("failed")).toBeCloseTo(100 / 6, 1);
    expect(await page.locator("#suite-0-scores").count()).toBe(1); // the suite table, from the finished page
    expect(await page.locator("#run-pace").count()).toBe(0); // no live facts once finished
    // The swapped-in cells still open the details panel.
    await page.locator('rect.cell[data-status="scored"]').first().click();
    await expect.poll(() => page.locator("aside.panel .probe-response").textContent()).toBe(NEEDLE_ANSWER);
    await page.screenshot({ path: artifactPath("run-live-finished.png"), fullPage: true });
    await page.context().close();
    finishedRun = id;
  });

  it("downloads each heatmap and chart as SVG and PNG that parse", async () => {
    expect(finishedRun, "needs the run of the test before").not.toBe("");
    const page = await newPage();
    await page.goto(`${service.url}/runs/${finishedRun}`);
    const charts = await page.locator("svg.heatmap[id], figure.chart > svg[id]").evaluateAll((svgs) => svgs.map((s) => s.id));
    expect(charts).toEqual(expect.arrayContaining(["heatmap-0", "suite-0-by-length", "suite-0-by-depth"]));
    expect(await page.locator("p.export button").count()).toBe(2 * charts.length);

    const download = async (chart: string, kind: "svg" | "png") => {
      const [file] = await Promise.all([page.waitForEvent("download"), page.locator(`svg[id="${chart}"] + p.export button[data-download="${kind}"]`).click()]);
      expect(file.suggestedFilename()).toBe(`${finishedRun}-${chart}.${kind}`);
      const path = artifactPath(`download-${chart}.${kind}`);
      await file.saveAs(path);
      return readFileSync(path);
    };

    for (const chart of ["heatmap-0", "suite-0-by-length"]) {
      const svg = (await download(chart, "svg")).toString("utf8");
      expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
      // Parsed as a standalone SVG document by the browser's XML parser.
      const parsed = await page.evaluate((text) => {
        const xml = new (globalThis as unknown as InPage).DOMParser().parseFromString(text, "image/svg+xml");
        return { errors: xml.getElementsByTagName("parsererror").length, root: xml.documentElement.localName, ns: xml.documentElement.namespaceURI, width: xml.documentElement.getAttribute("width"), cells: xml.querySelectorAll("rect.cell").length };
      }, svg);
      expect(parsed).toMatchObject({ errors: 0, root: "svg", ns: "http://www.w3.org/2000/svg" });
      expect(parsed.cells).toBe(chart === "heatmap-0" ? 6 : 0);
      expect(Number(parsed.width)).toBe(chart === "heatmap-0" ? 760 : 380);

      const png = await download(chart, "png");
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
      expect(png.readUInt32BE(16)).toBe(2 * Number(parsed.width)); // drawn at twice the chart's size
    }
    await page.screenshot({ path: artifactPath("run-downloads.png"), fullPage: true });
    await page.context().close();
  });
});

describe("exports without a browser", () => {
  it("links the probes' CSV and the Markdown summary from the run page", async () => {
    if (!finishedRun) finishedRun = await submit({ model: { name: "page-live-plain", base_url: `${service.url}/reference/v1`, model: "extractive-128k" }, suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }] });
    const html = await (await fetch(`${service.url}/runs/${finishedRun}`)).text();
    expect(html).toContain(`href="/v1/runs/${finishedRun}/summary.md"`);
    expect(html).toContain(`href="/v1/runs/${finishedRun}/probes?format=csv"`);
  });
});
