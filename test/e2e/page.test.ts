// The public pages in a real browser (Debian's chromium driven by playwright-core) against the
// real local service: leaderboard sorting, the run page's heatmap colours and details panel,
// the no-JavaScript probe page, live progress over SSE, and 404s for private runs.
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkBrowser } from "./browser-check";
import { allProbes, bearer, serviceLog, startService, waitForRun } from "./support";
import { artifactPath, CHROMIUM_ARGS, startSlowEndpoint } from "./page-support";

const GRID = { type: "needle", context_lengths: [1000, 4000, 16000, 32000], depth_percents: [0, 50, 100] };
const browserCheck = checkBrowser();

let service: Awaited<ReturnType<typeof startService>>;
let browser: Browser | undefined;
const runs: Record<"long" | "short" | "hidden", string> = { long: "", short: "", hidden: "" };

async function submit(body: unknown): Promise<string> {
  const res = await fetch(`${service.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", ...bearer(service.adminToken) }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  service = await startService();
  const base_url = `${service.url}/reference/v1`; // the service's own origin: a reference run
  runs.long = await submit({ model: { name: "page-ref-128k", base_url, model: "extractive-128k", max_concurrency: 4 }, suites: [GRID] });
  runs.short = await submit({
    // The line marks where the 4K model's window ends, between the 4K and 16K columns.
    model: { name: "page-ref-4k", base_url, model: "extractive-4k", max_concurrency: 4, training_context_length: 4096 },
    suites: [GRID],
  });
  runs.hidden = await submit({ model: { name: "page-private", base_url, model: "extractive-128k" }, suites: [{ type: "needle", context_lengths: [1000], depth_percents: [50] }], public: false });
  for (const id of Object.values(runs)) expect((await waitForRun(service.url, id, undefined, service.adminToken)).status).toBe("succeeded");
  if (browserCheck.kind === "run") browser = await chromium.launch({ executablePath: browserCheck.path, args: CHROMIUM_ARGS });
}, 280_000); // wrangler start-up plus three small runs; longer than the project's default hook timeout

afterAll(async () => {
  await browser?.close();
  service?.cleanup();
});

async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  return context.newPage();
}

describe("the local service", () => {
  it("starts without a stack trace offline: wrangler does not fetch the Request.cf object", () => {
    const log = serviceLog(service);
    expect(log).toContain("Ready on http://127.0.0.1:");
    expect(log).not.toContain("Request.cf");
    expect(log).not.toMatch(/^\s+at /m);
  });
});

describe("pages without a browser", () => {
  it("answer 404 with an HTML page for private and unknown runs", async () => {
    for (const path of [`/runs/${runs.hidden}`, `/runs/${runs.hidden}/probes/0`, `/runs/${runs.hidden}/events`, "/runs/run_nope"]) {
      const res = await fetch(service.url + path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toContain("Not found");
    }
    // The private run is not listed either.
    expect(await (await fetch(service.url + "/")).text()).not.toContain(runs.hidden);
  });

  it("streams a finished run's progress as SSE, then done, then closes", async () => {
    const res = await fetch(`${service.url}/runs/${runs.short}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text(); // returns because the server closes the stream
    expect(text).toMatch(/event: progress\ndata: \{"status":"succeeded","progress":\{"total":12,"done":12,"failed":0,"unscorable":0,"truncated":0,"incomplete":0\}\}\nid: 1\n/);
    expect(text).toMatch(/event: done\ndata: \{"status":"succeeded"\}\nid: 2\n/);
  });
});

describe("pages in chromium", () => {
  // Without chromium: skipped with the reason (the run's last lines repeat it), or with CI set, failed.
  beforeEach((context) => {
    if (browserCheck.kind === "skip") context.skip(browserCheck.reason);
    if (browserCheck.kind === "fail") throw new Error(browserCheck.reason);
  });

  it("lists both reference runs on the leaderboard and sorts by a clicked column", async () => {
    const page = await newPage();
    await page.goto(service.url + "/");
    const rowOrder = () => page.locator("#leaderboard tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")));
    expect(await rowOrder()).toEqual([runs.long, runs.short]); // default: paper score, best first
    for (const id of [runs.long, runs.short]) {
      await expect(page.locator(`tr[data-run-id="${id}"] .badge.reference`).textContent()).resolves.toBe("reference");
    }
    expect(await page.locator('th[aria-sort="descending"] a[data-sort="paper"]').count()).toBe(1);
    await page.screenshot({ path: artifactPath("leaderboard.png"), fullPage: true });

    await page.click('a[data-sort="paper"]'); // the active column: flips to ascending
    await page.waitForURL(/sort=paper&dir=asc/);
    expect(await rowOrder()).toEqual([runs.short, runs.long]);
    expect(await page.locator('th[aria-sort="ascending"] a[data-sort="paper"]').count()).toBe(1);
    const papers = await page.locator('td[data-col="paper"]').allTextContents();
    expect(Number(papers[0])).toBeLessThan(Number(papers[1]));

    // Filters live in the URL and survive a sort.
    await page.fill("#q", "4k");
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForURL(/q=4k/);
    expect(await rowOrder()).toEqual([runs.short]);
    await page.click('a[data-sort="tokens"]');
    await page.waitForURL(/sort=tokens/);
    expect(page.url()).toContain("q=4k");
    await page.context().close();
  });

  it("draws the 4K model's heatmap with the paper's colours, a training-length line, and probe details on click", async () => {
    const page = await newPage();
    await page.goto(`${service.url}/runs/${runs.short}`);
    expect(await page.locator("svg.heatmap rect[data-score]").count()).toBe(12);
    expect(await page.locator("p.effective-length").textContent()).toContain("Effective context length: 4K tokens");
    await page.click('nav[aria-label="Heatmap metric"] >> text=contains');
    await page.waitForURL(/metric=contains/);
    expect(await page.locator("svg.heatmap rect[data-score]").count()).toBe(12);

    // (Browser-side code as strings: this project's TypeScript has no DOM lib.)
    const fill = (selector: string) => page.evaluate<string>(`getComputedStyle(document.querySelector('${selector}')).fill`);
    expect(await page.locator('rect[data-score="1"]').count()).toBeGreaterThan(0);
    expect(await page.locator('rect[data-score="0"]').count()).toBeGreaterThan(0); // needle outside the 4K window
    expect(await fill('rect[data-score="1"]')).toBe("rgb(12, 215, 159)");
    expect(await fill('rect[data-score="0"]')).toBe("rgb(240, 73, 110)");

    // The dashed line sits on the boundary between the 4K and 16K columns.
    const line = page.locator("svg.heatmap .training-line line");
    expect(await line.getAttribute("stroke-dasharray")).toBeTruthy();
    expect(Number(await line.getAttribute("x1"))).toBeCloseTo(Number(await page.locator('rect[data-length="16000"]').first().getAttribute("x")), 1);

    // A click shows that probe's response and a prompt excerpt around the needle.
    const probes = await allProbes(service.url, runs.short, service.adminToken);
    const hit = page.locator('rect[data-score="1"]').first();
    const hitIdx = Number(await hit.getAttribute("data-idx"));
    await hit.click();
    const panel = page.locator("aside.panel");
    await expect.poll(() => panel.locator(".probe-response").textContent()).toBe(probes[hitIdx]!.response);
    await expect.poll(() => panel.locator(".needle-excerpt mark").textContent()).toMatch(/^The best thing to do in San Francisco/);
    expect(page.url()).not.toContain("/probes/"); // JS kept us on the run page

    // Keyboard: a focused cell opens with Enter.
    const miss = page.locator('rect[data-score="0"]').first();
    const missIdx = Number(await miss.getAttribute("data-idx"));
    expect(await miss.getAttribute("tabindex")).toBe("0");
    await miss.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => panel.locator("h3").textContent()).toContain(`Probe #${missIdx}`);
    await expect.poll(() => panel.locator(".probe-response").textContent()).toBe(probes[missIdx]!.response);
    await page.screenshot({ path: artifactPath("run.png"), fullPage: true });
    await page.context().close();
  });

  it("works without JavaScript: each cell links to a server-rendered probe page", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto(`${service.url}/runs/${runs.short}`);
    const cell = page.locator('rect[data-length="16000"][data-depth="0"]');
    const idx = Number(await cell.getAttribute("data-idx"));
    await cell.click();
    await page.waitForURL(new RegExp(`/runs/${runs.short}/probes/${idx}$`));
    const probe = (await allProbes(service.url, runs.short, service.adminToken))[idx]!;
    expect(await page.locator(".probe-response").textContent()).toBe(probe.response);
    expect(await page.locator(".needle-excerpt mark").textContent()).toMatch(/^The best thing to do in San Francisco/);
    await page.screenshot({ path: artifactPath("probe.png"), fullPage: true });
    await page.context().close();
  });

  it("updates a running run's progress live and reloads when it is done", async () => {
    const endpoint = await startSlowEndpoint(1200);
    try {
      const id = await submit({
        model: { name: "page-slow", base_url: endpoint.url, model: "slow", max_concurrency: 1, request_timeout_s: 30 },
        suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 50, 100] }],
      });
      const html = await (await fetch(`${service.url}/runs/${id}`)).text();
      expect(html).toContain('<noscript><meta http-equiv="refresh" content="5"/></noscript>'); // the no-JS fallback
      const page = await newPage();
      await page.goto(`${service.url}/runs/${id}`);
      expect(await page.locator("[data-live]").getAttribute("data-live")).toBe("true");
      // Numbers move while the page is still the live one (no reload yet).
      // (A function, not a string: the page's Content-Security-Policy forbids evaluating strings.)
      await page.waitForFunction(
        () => {
          const doc = (globalThis as unknown as { document: { querySelector(selector: string): { textContent: string | null } | null } }).document;
          return Number(doc.querySelector('[data-progress="done"]')?.textContent) > 0 && doc.querySelector('[data-live="true"]') !== null;
        },
        undefined,
        { timeout: 120_000 },
      );
      await page.screenshot({ path: artifactPath("run-live.png"), fullPage: true });
      // The done event reloads the page, which then shows the finished run.
      await page.waitForSelector('[data-live="false"]', { timeout: 150_000 });
      expect(await page.locator(".progress-row .badge").textContent()).toBe("succeeded");
      expect(await page.locator("svg.heatmap rect[data-score]").count()).toBe(6);
      await page.context().close();
    } finally {
      await endpoint.close();
    }
  });
});
