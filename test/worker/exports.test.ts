// Exports and the live stream inside workerd: a run's probes as CSV (all of them, paged inside),
// its summary as Markdown, and the run page's SSE stream sending heatmap cells and live state.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { probeExport } from "../../src/lifecycle/exports";
import { api, completionBody, createRun, fakeUpstream, hangUntilAborted, needleRun, waitForStatus } from "./helpers";

const answer = () => new Response(completionBody("eat a sandwich and sit in Dolores Park on a sunny day."), { headers: { "content-type": "application/json" } });

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** Splits CSV text into rows of cells (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += ch;
  }
  return rows;
}

describe("probes as CSV", () => {
  it("answers every probe of the run, one row each, for ?format=csv and Accept: text/csv alike", async () => {
    fakeUpstream(vi, answer);
    const { id } = await createRun(needleRun());
    await waitForStatus(id, ["succeeded"]);
    const res = await api(`/v1/runs/${id}/probes?format=csv&limit=2`, { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${id}-probes.csv"`);
    const text = await res.text();
    const [head, ...rows] = parseCsv(text);
    expect(head!.slice(0, 9)).toEqual(["idx", "suite", "suite_type", "context_length", "depth_percent", "item", "kind", "status", "attempts"]);
    expect(head).toEqual(expect.arrayContaining(["score_paper", "score_rouge1", "score_contains", "prompt_tokens", "latency_ms", "response"]));
    expect(rows).toHaveLength(6); // limit is for JSON pages only
    const at = (name: string) => head!.indexOf(name);
    expect(rows.map((r) => r[at("idx")])).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(rows[0]![at("context_length")]).toBe("2000");
    expect(rows[0]![at("status")]).toBe("scored");
    expect(Number(rows[0]![at("score_contains")])).toBe(1);
    expect(rows[0]![at("response")]).toBe("eat a sandwich and sit in Dolores Park on a sunny day.");
    const negotiated = await api(`/v1/runs/${id}/probes`, { headers: { accept: "text/csv" } });
    expect(negotiated.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await negotiated.text()).toBe(text);
  });

  it("reads the probes a page at a time and keeps idx order across pages", async () => {
    fakeUpstream(vi, answer);
    const { id } = await createRun(needleRun());
    await waitForStatus(id, ["succeeded"]);
    const { scoreNames, pages } = await probeExport(env, null, id, 4);
    expect(scoreNames).toEqual(expect.arrayContaining(["paper", "rouge1", "contains"]));
    const sizes: number[] = [];
    const idxs: number[] = [];
    for await (const page of pages) sizes.push(page.length), idxs.push(...page.map((p) => p.idx));
    expect(sizes).toEqual([4, 2]);
    expect(idxs).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("is a 404 problem for a private run asked anonymously, and a 422 for an unknown format", async () => {
    fakeUpstream(vi, answer);
    const { id } = await createRun(needleRun({ public: false }));
    const hidden = await api(`/v1/runs/${id}/probes?format=csv`, { token: null });
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get("content-type")).toContain("application/problem+json");
    expect((await api(`/v1/runs/${id}/probes?format=xml`)).status).toBe(422);
    expect((await api(`/v1/runs/${id}/summary.md`, { token: null })).status).toBe(404);
  });
});

describe("the run summary as Markdown", () => {
  it("has the model, the suite's scores, the effective length and the warnings, at summary.md and ?format=md", async () => {
    fakeUpstream(vi, answer);
    const { id } = await createRun(needleRun({}, { name: "step|1250", training_context_length: 2000 }));
    await waitForStatus(id, ["succeeded"]);
    const res = await api(`/v1/runs/${id}/summary.md`, { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    const md = await res.text();
    expect(md).toContain("## step\\|1250 — ctxprobe long-context evaluation");
    expect(md).toContain("| Served model | `served` (completions API) |");
    expect(md).toContain("| Context window | 131,072 tokens · trained at 2,000 |");
    expect(md).toContain(`| Run | [${id}](http://ctxprobe.test/runs/${id}) · succeeded · finished `);
    expect(md).toMatch(/\| Needle in a haystack \(suite 0; corpus [\w-]+\) \| 2 lengths 1K–2K × 3 depths \| paper \| 91\.7 \| — \| 6 \/ 6 \|/);
    expect(md).toContain("|  |  | contains | 100.0 | — |  |");
    expect(md).toMatch(/\| Needle in a haystack \(suite 0; corpus [\w-]+\) \| contains ≥ 85 % of the shortest length's mean \| 2K \| 2K – 2K \|/);
    // The fake endpoint reports 1,234 prompt tokens for every prompt: the counts disagree.
    expect(md).toMatch(/### Warnings\n\n- \*\*token_mismatch\*\* \(6\): /);
    const viaRun = await api(`/v1/runs/${id}?format=md`);
    expect(viaRun.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(await viaRun.text()).toBe(md);
  });
});

interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const field = (name: string) => block.split("\n").find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
      return { event: field("event") ?? "message", data: field("data")!, id: field("id") };
    });
}

/** Reads the stream until `enough` says so (or 20 s pass), then lets it go. */
async function readUntil(res: Response, enough: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 20_000;
  let text = "";
  while (Date.now() < deadline && !enough(parseSse(text))) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return parseSse(text);
}

type Cell = { heatmap: string; idx: number; length: number; depth: number; status: string; score: number | null; fill: string; title: string };
const cellsOf = (events: SseEvent[]): Cell[] => events.filter((e) => e.event === "cells").flatMap((e) => (JSON.parse(e.data) as { cells: Cell[] }).cells);

describe("the run page's live stream", () => {
  it("sends the cells that settled, on the page's metric, with the pace and the endpoint's limiter", async () => {
    let calls = 0;
    // Three probes answer, the second and third 1.2 s apart so they settle while the stream reads,
    // then the endpoint hangs: the run stays live with 3 of 6 settled.
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)).then(answer);
    fakeUpstream(vi, (call) => (++calls === 1 ? answer() : calls <= 3 ? later(1200) : hangUntilAborted(call)));
    const { id } = await createRun(needleRun({}, { max_concurrency: 1, request_timeout_s: 5 }));
    try {
      const scored = (events: SseEvent[]) => cellsOf(events).filter((c) => c.status === "scored").length;
      const events = await readUntil(await api(`/runs/${id}/events?metric=paper`), (e) => scored(e) >= 3 && e.some((x) => x.event === "live"));
      const cells = cellsOf(events);
      expect(cells.filter((c) => c.status === "scored").map((c) => c.idx).sort()).toEqual([0, 1, 2]);
      const first = cells.find((c) => c.idx === 0)!;
      expect(first).toMatchObject({ heatmap: "heatmap-0", length: 2000, depth: 100, status: "scored" });
      expect(first.score).toBeCloseTo(0.9167, 3); // the paper metric's perfect answer
      expect(first.title).toBe("2K tokens, depth 100 %: score 0.92");
      expect(first.fill).toMatch(/^#[0-9a-f]{6}$/);
      const live = JSON.parse(events.find((e) => e.event === "live")!.data) as { text: { pace: string }; endpoint: { limit: number | null; endpoint: string } | null };
      expect(live.text.pace).toMatch(/^Rate: /);
      expect(live.endpoint?.endpoint).toContain("models.example.com");
      // Cells and live events carry no id: the progress numbering stays 1, 2, 3…
      expect(events.filter((e) => e.event === "progress").map((e) => e.id)).toEqual(events.filter((e) => e.event === "progress").map((_, i) => String(i + 1)));

      // A new stream (a reconnect, another reader) starts with every settled cell at once, and
      // they are what the first stream's reads of what settled since the last one added up to.
      const again = await readUntil(await api(`/runs/${id}/events?metric=paper`), (e) => e.some((x) => x.event === "progress"));
      expect(again[0]!.event).toBe("cells");
      expect(cellsOf([again[0]!]).filter((c) => c.status === "scored")).toHaveLength(3);
      const latest = (list: Cell[]) => [...new Map(list.map((c) => [`${c.heatmap}|${c.idx}`, c])).values()].sort((a, b) => a.idx - b.idx);
      expect(latest(cells)).toEqual(latest(cellsOf([again[0]!])));
      expect(events.filter((e) => e.event === "cells").length).toBeGreaterThan(1); // the cells came over several reads
    } finally {
      await api(`/v1/runs/${id}/cancel`, { method: "POST" });
    }
  });
});
