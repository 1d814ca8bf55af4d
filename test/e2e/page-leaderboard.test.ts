// The leaderboard page in a real browser (Debian's chromium driven by playwright-core) against the
// real local service: one protocol at a time with a selector, a rank that follows the sort, no
// sideways scrolling at 1280 px (and wider), cards on a phone, links that look like links, series
// links, and "Compare selected" without JavaScript. Screenshots go to test-artifacts/.
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkBrowser } from "./browser-check";
import { bearer, startService, waitForRun } from "./support";
import { artifactPath, CHROMIUM_ARGS } from "./page-support";

const GRID = { type: "needle", context_lengths: [1000, 4000, 16000], depth_percents: [0, 50, 100] };
// Every suite type, so the widest table this page draws has to fit.
const MORE_SUITES = [
  { type: "nonliteral", context_lengths: [1000, 4000], depth_percents: [0, 100], distractors: 0, pairs: 1 },
  { type: "loss", domains: ["sotu"], context_lengths: [1000, 4000], documents: 1 },
  { type: "mmlu", shots: 0, limit: 4 },
  { type: "bookqa", limit: 2, window: 4000 },
  { type: "ruler", tasks: ["niah_single_1"], context_lengths: [4096], samples: 2 },
];
const browserCheck = checkBrowser();

let service: Awaited<ReturnType<typeof startService>>;
let browser: Browser | undefined;
const runs = { early: "", late: "", llama: "" };

async function submit(body: unknown): Promise<string> {
  const res = await fetch(`${service.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", ...bearer(service.adminToken) }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  service = await startService();
  const base_url = `${service.url}/reference/v1`;
  const model = (name: string, served: string, extra: Record<string, unknown> = {}) => ({ name, base_url, model: served, max_concurrency: 4, ...extra });
  // Two checkpoints of a series on one protocol; the 4K one stops finding needles past its window.
  runs.early = await submit({ model: model("lb-7b-80k@step1250 with a long checkpoint name", "extractive-4k", { price_per_million_input: 0.5 }), suites: [GRID, ...MORE_SUITES], series: "lb-7b", step: 1250 });
  runs.late = await submit({ model: model("lb-7b-80k@step2500", "extractive-128k"), suites: [GRID, ...MORE_SUITES], series: "lb-7b", step: 2500 });
  // The same grid counted in another tokenizer: another protocol.
  runs.llama = await submit({ model: model("lb-llama2", "extractive-128k", { tokenizer: "llama2" }), suites: [GRID] });
  for (const id of Object.values(runs)) expect((await waitForRun(service.url, id, undefined, service.adminToken)).status).toBe("succeeded");
  if (browserCheck.kind === "run") browser = await chromium.launch({ executablePath: browserCheck.path, args: CHROMIUM_ARGS });
}, 280_000);

afterAll(async () => {
  await browser?.close();
  service?.cleanup();
});

async function newPage(width: number, options: { javaScriptEnabled?: boolean; isMobile?: boolean } = {}): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width, height: 900 }, ...options });
  return context.newPage();
}

// (Browser-side code as functions over a loose `document`: this project's TypeScript has no DOM lib.)
type Doc = { documentElement: { scrollWidth: number; clientWidth: number } };
const overflow = (page: Page) => page.evaluate(() => {
  const doc = (globalThis as unknown as { document: Doc }).document;
  return { scrollWidth: doc.documentElement.scrollWidth, clientWidth: doc.documentElement.clientWidth };
});
const rowOrder = (page: Page) => page.locator("#leaderboard tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")));
const ranks = (page: Page) => page.locator('#leaderboard tbody td[data-col="rank"]').allTextContents();

describe("the leaderboard page in chromium", () => {
  beforeEach((context) => {
    if (browserCheck.kind === "skip") context.skip(browserCheck.reason);
    if (browserCheck.kind === "fail") throw new Error(browserCheck.reason);
  });

  it("shows one protocol at a time, lists the protocols with run counts, and ranks by the sorted column", async () => {
    const page = await newPage(1280);
    await page.goto(service.url + "/");
    // No paper-grid runs here: it opens on the protocol with the most runs, the series' one.
    expect((await rowOrder(page)).sort()).toEqual([runs.early, runs.late].sort());
    const options = await page.locator("#protocol option").allTextContents();
    expect(options.some((o) => /^needle · 3 lengths 1K–16K × 3 depths · sotu · cl100k_base \(2 runs\)$/.test(o))).toBe(true);
    expect(options.some((o) => /· llama2 \(1 run\)$/.test(o))).toBe(true);
    expect(options.at(-1)).toBe("All protocols, not comparable (3 runs)");
    expect(await page.locator(`tr[data-run-id="${runs.early}"] .protocol[data-protocol^="needle:3x3-1k-16k~"]`).count()).toBe(1);

    // Default: the needle paper score, best first — the 128K model (all found) ranks 1.
    expect(await rowOrder(page)).toEqual([runs.late, runs.early]);
    expect(await ranks(page)).toEqual(["1", "2"]);
    // Sorted by prompt tokens, most first: the rank follows that order, not the paper score.
    await page.click('a[data-sort="tokens"]');
    await page.waitForURL(/sort=tokens&dir=desc/);
    const tokens = (await page.locator('td[data-col="tokens"]').allTextContents()).map((t) => Number(t.replaceAll(",", "")));
    expect(tokens[0]).toBeGreaterThanOrEqual(tokens[1]!);
    expect(await ranks(page)).toEqual(tokens[0] === tokens[1] ? ["1", "1"] : ["1", "2"]);
    // Worst paper score first: the 4K checkpoint is now #1.
    await page.goto(service.url + "/?sort=paper&dir=asc");
    expect(await rowOrder(page)).toEqual([runs.early, runs.late]);
    expect(await ranks(page)).toEqual(["1", "2"]);

    // Choosing another protocol in the selector shows its run only.
    const llamaId = await page.locator("#protocol option", { hasText: "llama2" }).getAttribute("value");
    await page.selectOption("#protocol", llamaId!);
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForURL(/protocol=/);
    expect(await rowOrder(page)).toEqual([runs.llama]);
    await page.context().close();
  });

  it("fits 1280 px and wider without sideways scrolling, every run link on screen, links looking like links", async () => {
    for (const width of [1280, 1400, 2000]) {
      const page = await newPage(width);
      await page.goto(service.url + "/?include=reported");
      expect(await page.locator('tr[data-reported="true"] .badge.reported').count()).toBeGreaterThan(0);
      for (const column of ["window", "effective", "longest", "paper", "contains", "bookqa", "nonliteral", "ruler", "mmlu", "loss32k", "tokens", "cost", "engine", "finished"]) {
        expect(await page.locator(`th a[data-sort="${column}"]`).count(), column).toBe(1);
      }
      const { scrollWidth, clientWidth } = await overflow(page);
      expect(scrollWidth, `at ${width} px`).toBeLessThanOrEqual(clientWidth);
      for (const link of await page.locator("#leaderboard a.run-link").all()) {
        const box = (await link.boundingBox())!;
        expect(box.x + box.width, `at ${width} px`).toBeLessThanOrEqual(clientWidth);
      }
      const style = await page.locator("#leaderboard a.run-link").first().evaluate((a) => {
        const css = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; textDecorationLine: string } }).getComputedStyle(a);
        return { color: css.color, decoration: css.textDecorationLine };
      });
      expect(style).toEqual({ color: "rgb(36, 80, 178)", decoration: "underline" });
      expect(await page.locator(`tr[data-run-id="${runs.early}"] td[data-col="cost"]`).textContent()).toMatch(/^\$\d+\.\d{4}$/);
      if (width === 1280) await page.screenshot({ path: artifactPath("leaderboard-1280.png"), fullPage: true });
      await page.context().close();
    }
  });

  it("turns into a card list on a phone", async () => {
    const page = await newPage(390, { isMobile: true });
    await page.goto(service.url + "/");
    const row = page.locator(`tr[data-run-id="${runs.late}"]`);
    expect(await row.evaluate((tr) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(tr).display)).toBe("block");
    // Each value is labelled by its column, since the header row is out of sight.
    const paper = row.locator('td[data-col="paper"]');
    expect(await paper.getAttribute("data-label")).toBe("Needle (paper)");
    expect(await paper.isVisible()).toBe(true);
    expect((await page.locator("#leaderboard thead").boundingBox())!.height).toBeLessThanOrEqual(1);
    const { scrollWidth, clientWidth } = await overflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    // Sorting stays possible from the form.
    expect(await page.locator("#sort option").count()).toBeGreaterThan(10);
    await page.screenshot({ path: artifactPath("leaderboard-phone.png"), fullPage: true });
    await page.context().close();
  });

  it("links each step of a series to its series page, and compares ticked runs without JavaScript", async () => {
    const page = await newPage(1280, { javaScriptEnabled: false });
    await page.goto(service.url + "/");
    expect(await page.locator(`tr[data-run-id="${runs.late}"] a.series-link`).getAttribute("href")).toBe("/series/lb-7b");
    expect(await page.locator(`tr[data-run-id="${runs.late}"] .protocol`).last().textContent()).toBe("series lb-7b · step 2500");
    await page.check(`input[name="compare"][value="${runs.late}"]`);
    await page.click('#compare-form button[type="submit"]');
    await page.waitForURL(/\/\?/);
    expect(await page.locator('#compare-form [role="alert"]').textContent()).toContain("Select at least two runs");
    await page.check(`input[name="compare"][value="${runs.early}"]`);
    await page.check(`input[name="compare"][value="${runs.late}"]`);
    await page.click('#compare-form button[type="submit"]');
    await page.waitForURL(/\/compare\?runs=/);
    const ids = new URL(page.url()).searchParams.get("runs")!.split(",");
    expect([...ids].sort()).toEqual([runs.early, runs.late].sort());
    // The one page that answers "where did the other checkpoint get better or worse, and is it noise?"
    const sign = ids[0] === runs.early ? 1 : -1; // B − A, with A the first run named
    const at16k = page.locator('#difference-1 g.length-difference[data-length="16000"]');
    expect(sign * Number(await at16k.getAttribute("data-difference"))).toBeGreaterThan(0); // the 128K step finds what the 4K one lost
    expect(await at16k.getAttribute("data-beyond-noise")).toBe("false"); // three depths each: not enough to call it
    expect(Number(await page.locator('#difference-1 g.length-difference[data-length="1000"]').getAttribute("data-difference"))).toBe(0);
    await page.screenshot({ path: "test-artifacts/leaderboard-compare.png", fullPage: true });
    await page.context().close();
  });
});
