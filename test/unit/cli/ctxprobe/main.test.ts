// The commands against a scripted service: requests sent, output, exit codes, problem rendering.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../../src/cli/ctxprobe/main";
import { renderProblem } from "../../../../src/cli/ctxprobe/problem";
import { fakeIo, heatmapResource, json, problemResponse, runResource, type RecordedRequest } from "./fake-io";

const CHECKED = ["eval", "--url", "http://svc:8787", "--base-url", "http://svc:8787/reference/v1", "--model", "extractive-128k", "--lengths", "1000,4000", "--depths", "0,100"];
// The scripted services below answer the run routes only: these tests skip the preflight (tested on its own).
const EVAL = [...CHECKED, "--no-preflight"];

/** A service whose run advances by 2 probes per poll. */
function scriptedService(final: Record<string, unknown> = {}) {
  let polls = 0;
  return (req: RecordedRequest) => {
    const path = req.url.pathname;
    if (req.method === "POST" && path === "/v1/runs") {
      if (req.url.searchParams.get("dry_run") === "true") return json({ dry_run: true, probes: 4, prompt_tokens: 9376, suites: [{ index: 0, type: "needle", probes: 4, prompt_tokens: 9376 }] });
      return json(runResource({ status: "queued", progress: { total: 4, done: 0, failed: 0, unscorable: 0 } }), 202);
    }
    if (path === "/v1/runs/run_test") {
      polls++;
      const done = Math.min(4, 2 * polls);
      return json(runResource(done < 4 ? { status: "running", progress: { total: 4, done, failed: 0, unscorable: 0 } } : final));
    }
    if (path === "/v1/runs/run_test/heatmap") return json({ ...heatmapResource, metric: req.url.searchParams.get("metric") });
    return problemResponse(404, { detail: `no route for ${req.method} ${path}` });
  };
}

describe("ctxprobe eval", () => {
  it("--dry-run --json posts ?dry_run=true and prints the plan as JSON", async () => {
    const io = fakeIo(scriptedService(), { CTXPROBE_TOKEN: "tok" });
    expect(await main([...EVAL, "--dry-run", "--json"], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ dry_run: true, probes: 4, prompt_tokens: 9376 });
    const [req] = io.requests;
    expect(req!.url.toString()).toBe("http://svc:8787/v1/runs?dry_run=true");
    expect(req!.headers.authorization).toBe("Bearer tok");
    expect(req!.body).toEqual({
      model: { name: "extractive-128k", base_url: "http://svc:8787/reference/v1", model: "extractive-128k" },
      suites: [{ type: "needle", context_lengths: [1000, 4000], depth_percents: [0, 100] }],
    });
  });

  it("takes the service from CTXPROBE_URL and sends no token when none is set", async () => {
    const io = fakeIo(scriptedService(), { CTXPROBE_URL: "http://elsewhere:9000/" });
    await main(["eval", "--base-url", "http://e/v1", "--model", "m", "--dry-run", "--no-preflight"], io);
    expect(io.requests[0]!.url.origin).toBe("http://elsewhere:9000");
    expect(io.requests[0]!.headers.authorization).toBeUndefined();
    expect(io.out()).toContain("dry run: 4 probes, about 9,376 prompt tokens");
  });

  it("--wait follows the run, prints scores and the heatmap, and passes the gate", async () => {
    const io = fakeIo(scriptedService());
    expect(await main([...EVAL, "--wait", "--fail-under", "90"], io)).toBe(0);
    const out = io.out();
    expect(out).toContain("submitted run_test (4 probes)");
    expect(out).toMatch(/\[█+\]\s+4\/4 .* succeeded/);
    expect(out).toContain("paper 91.67   rouge1 100.00   contains 100.00");
    expect(out).toContain("   0% │███ ███│");
    expect(out).toContain("PASS: headline needle paper 91.67 ≥ 90");
    expect(io.requests.filter((r) => r.url.pathname === "/v1/runs/run_test")).toHaveLength(2);
  });

  it("redraws the progress bar in place on a terminal", async () => {
    const io = fakeIo(scriptedService(), {}, true);
    await main([...EVAL, "--wait"], io);
    expect(io.out()).toContain("\r\x1b[2K");
    expect(io.out().match(/\r\x1b\[2K/g)!.length).toBe(3); // queued, 2/4, 4/4
  });

  it("checks the endpoint first by default and submits nothing when it cannot be evaluated; --allow-mismatch submits on a disagreeing tokenizer", async () => {
    const report = (ok: boolean) => ({ ok, window: 4096, tokenizer_agrees: ok, serving: { engine: "vllm", version: null, model_id: null, max_model_len: 4096, server: null }, checks: [{ name: "reachable", ok: true, detail: "answered" }, { name: "tokenizer_agreement", ok, detail: ok ? "agrees" : "llama2 counts 60 tokens, the server 52" }] });
    const failing = fakeIo((req) => (req.url.pathname === "/v1/endpoints/check" ? json(report(false)) : json({}, 500)));
    expect(await main(CHECKED, failing)).toBe(1);
    expect(failing.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(["POST /v1/endpoints/check"]);
    expect(failing.requests[0]!.body).toMatchObject({ model: { base_url: "http://svc:8787/reference/v1", model: "extractive-128k" } });
    expect(failing.out()).toContain("FAIL tokenizer_agreement");
    expect(failing.out()).toContain("nothing was submitted");
    const passing = fakeIo((req) => (req.url.pathname === "/v1/endpoints/check" ? json(report(true)) : json({ probes: 4, prompt_tokens: 100, suites: [] })));
    expect(await main([...CHECKED, "--preflight", "--dry-run"], passing)).toBe(0);
    expect(passing.requests.map((r) => r.url.pathname)).toEqual(["/v1/endpoints/check", "/v1/runs"]);
    const mismatched = fakeIo((req) => (req.url.pathname === "/v1/endpoints/check" ? json(report(false)) : json({ probes: 4, prompt_tokens: 100, suites: [] })));
    expect(await main([...CHECKED, "--dry-run", "--allow-mismatch"], mismatched)).toBe(0);
    expect(mismatched.out()).toContain("the tokenizer disagrees; submitting anyway (--allow-mismatch)");
    expect(mismatched.requests.map((r) => r.url.pathname)).toEqual(["/v1/endpoints/check", "/v1/runs"]);
    const unreachable = { ...report(false), checks: [{ name: "reachable", ok: false, detail: "cannot reach" }] };
    const blocked = fakeIo((req) => (req.url.pathname === "/v1/endpoints/check" ? json(unreachable) : json({}, 500)));
    expect(await main([...CHECKED, "--allow-mismatch"], blocked)).toBe(1); // a blocking check is never overridden
    expect(blocked.requests).toHaveLength(1);
  });

  it("--fail-under exits 1 below the threshold, on the chosen --metric", async () => {
    const io = fakeIo(scriptedService({ suites: [{ ...runResource().suites[0], scores: { paper: 70.83, rouge1: 79.26, contains: 75 } }] }));
    expect(await main([...EVAL, "--wait", "--fail-under", "90", "--metric", "contains"], io)).toBe(1);
    expect(io.out()).toContain("FAIL: headline needle contains 75.00 is below --fail-under 90");
    expect(io.requests.at(-1)!.url.searchParams.get("metric")).toBe("contains");
  });

  it("--wait --json prints only the final run on stdout; progress and verdict go to stderr", async () => {
    const io = fakeIo(scriptedService({ status: "failed", error: "every probe failed" }));
    expect(await main([...EVAL, "--wait", "--json"], io)).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({ id: "run_test", status: "failed" });
    expect(io.err()).toContain("FAIL: the run ended failed (every probe failed)");
  });

  it("shows a validation problem's detail and every field pointer, exit 1", async () => {
    const io = fakeIo(() =>
      problemResponse(422, {
        type: "/problems/validation-failed",
        detail: "2 fields are invalid; see errors[]",
        errors: [
          { pointer: "/suites/0/context_lengths/1", detail: "400000 is above context_window 131072", in: "body" },
          { pointer: "/suites/1/type", detail: "Invalid discriminator value. Expected 'needle'", in: "body" },
        ],
      }),
    );
    expect(await main([...EVAL, "--bookqa", "ds"], io)).toBe(1);
    expect(io.err()).toBe(
      [
        "ctxprobe eval: error 422 (validation-failed): 2 fields are invalid; see errors[]",
        "  /suites/0/context_lengths/1: 400000 is above context_window 131072",
        "  /suites/1/type: Invalid discriminator value. Expected 'needle'",
        "",
      ].join("\n"),
    );
  });

  it("names the URL when nothing answers, exit 1", async () => {
    const io = fakeIo(() => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }) });
    });
    expect(await main(["runs", "list", "--url", "http://127.0.0.1:1"], io)).toBe(1);
    expect(io.err()).toContain("cannot reach ctxprobe at http://127.0.0.1:1/v1/runs?limit=20: ECONNREFUSED");
  });

  it("prints usage errors with a pointer to --help, exit 2", async () => {
    const io = fakeIo();
    expect(await main(["eval", "--model", "m"], io)).toBe(2);
    expect(io.err()).toBe("ctxprobe eval: --base-url is required\n  see ctxprobe eval --help\n");
    expect(io.requests).toHaveLength(0);
  });
});

describe("problem rendering", () => {
  it("handles problems without errors[], single-field problems and non-JSON answers", () => {
    expect(renderProblem({ type: "/problems/not-found", status: 404, detail: "no run with id x" })).toBe("error 404 (not-found): no run with id x");
    // The single field is already the detail: not repeated.
    expect(renderProblem({ status: 422, detail: "/model/base_url: bad", errors: [{ pointer: "/model/base_url", detail: "bad" }] })).toBe("error 422: /model/base_url: bad");
  });

  it("turns an HTML error page into a readable problem", async () => {
    const io = fakeIo(() => new Response("<html><body>Bad Gateway</body></html>", { status: 502, statusText: "Bad Gateway" }));
    expect(await main(["runs", "show", "run_x", "--url", "http://svc"], io)).toBe(1);
    expect(io.err()).toContain("error 502: GET http://svc/v1/runs/run_x answered 502: <html><body>Bad Gateway</body></html>");
  });
});

describe("ctxprobe runs", () => {
  it("lists runs as a table, or the page as JSON", async () => {
    const page = { data: [runResource(), runResource({ id: "run_other", status: "running", suites: [] })], next_cursor: null };
    const io = fakeIo(() => json(page));
    expect(await main(["runs", "list", "--limit", "5"], io)).toBe(0);
    expect(io.requests[0]!.url.toString()).toBe("http://127.0.0.1:8787/v1/runs?limit=5");
    const lines = io.out().trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+PROBES\s+PAPER\s+MODEL\s+CREATED$/);
    expect(lines[1]).toMatch(/^run_test\s+succeeded\s+4\/4\s+91\.67\s+m\s+2024-01-01/);
    expect(lines[2]).toMatch(/^run_other\s+running\s+4\/4\s+n\/a/);

    const asJson = fakeIo(() => json(page));
    await main(["runs", "list", "--json"], asJson);
    expect(JSON.parse(asJson.out())).toEqual(page);
  });

  it("shows a run with its heatmap, skipping the heatmap for runs without a needle suite", async () => {
    const io = fakeIo(scriptedService());
    expect(await main(["runs", "show", "run_test"], io)).toBe(0);
    expect(io.out()).toContain("heatmap of suite 0, metric paper:");

    const noNeedle = fakeIo((req) =>
      req.url.pathname.endsWith("/heatmap")
        ? problemResponse(422, { detail: "this run has no needle suite", errors: [{ pointer: "/suite", detail: "no needle suite here" }] })
        : json(runResource({ suites: [] })),
    );
    expect(await main(["runs", "show", "run_test"], noNeedle)).toBe(0);
    expect(noNeedle.out()).not.toContain("heatmap");
  });

  it("cancels a run and reports a run that already finished", async () => {
    const io = fakeIo((req) => (req.method === "POST" && req.url.pathname === "/v1/runs/run_test/cancel" ? json(runResource({ status: "cancelled", progress: { total: 225, done: 4, failed: 0, unscorable: 0 } })) : json({})));
    expect(await main(["runs", "cancel", "run_test"], io)).toBe(0);
    expect(io.out()).toBe("cancelled run_test (4/225 probes had settled)\n");

    const finished = fakeIo(() => problemResponse(409, { type: "/problems/run-not-cancellable", detail: "run run_test is already succeeded" }));
    expect(await main(["runs", "cancel", "run_test"], finished)).toBe(1);
    expect(finished.err()).toContain("error 409 (run-not-cancellable): run run_test is already succeeded");
  });

  it("requires a run id and a known subcommand", async () => {
    const io = fakeIo();
    expect(await main(["runs", "show"], io)).toBe(2);
    expect(io.err()).toContain("missing run ID");
    expect(await main(["runs", "delete", "x"], io)).toBe(2);
  });
});

describe("datasets import and corpora upload (requires server support)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ctxprobe-upload-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("streams the dataset as NDJSON with the task in the query", async () => {
    const path = join(dir, "qa.jsonl");
    writeFileSync(path, '{"input":"q","context":"c","answer":["a"],"options":[]}\n');
    let received = "";
    const io = fakeIo(async (req) => {
      received = await new Response(req.body as ReadableStream).text();
      return json({ id: "ds_1" }, 201);
    });
    expect(await main(["datasets", "import", path, "--task", "longbook_qa_eng"], io)).toBe(0);
    const [req] = io.requests;
    expect(req!.url.toString()).toBe("http://127.0.0.1:8787/v1/datasets?task=longbook_qa_eng");
    expect(req!.headers["content-type"]).toBe("application/x-ndjson");
    expect(received).toBe('{"input":"q","context":"c","answer":["a"],"options":[]}\n');
    expect(JSON.parse(io.out())).toEqual({ id: "ds_1" });
  });

  it("streams an MMLU CSV file as text/csv with its file name, and JSON lines for mmlu as NDJSON", async () => {
    const csv = join(dir, "abstract_algebra_test.csv");
    writeFileSync(csv, 'What is 1+1?,1,2,3,4,B\n');
    let received = "";
    const io = fakeIo(async (req) => {
      received = await new Response(req.body as ReadableStream).text();
      return json({ id: "ds_2" }, 201);
    });
    expect(await main(["datasets", "import", csv, "--task", "mmlu", "--name", "algebra", "--public"], io)).toBe(0);
    const [req] = io.requests;
    expect(req!.url.toString()).toBe("http://127.0.0.1:8787/v1/datasets?task=mmlu&name=algebra&public=true&file_name=abstract_algebra_test.csv");
    expect(req!.headers["content-type"]).toBe("text/csv");
    expect(received).toBe("What is 1+1?,1,2,3,4,B\n");
    expect(await main(["datasets", "import", csv, "--task", "longbook_qa_eng"], fakeIo())).toBe(2);
  });

  it("shows the service's problem while the endpoint does not exist", async () => {
    const path = join(dir, "qa2.jsonl");
    writeFileSync(path, "{}\n");
    const io = fakeIo(() => problemResponse(404, { type: "/problems/not-found", detail: "no route for POST /v1/datasets" }));
    expect(await main(["datasets", "import", path, "--task", "longbook_choice_eng"], io)).toBe(1);
    expect(io.err()).toContain("error 404 (not-found): no route for POST /v1/datasets");
  });

  it("uploads the directory's .txt files in name order as JSON", async () => {
    const corpus = join(dir, "essays");
    mkdirSync(corpus);
    writeFileSync(join(corpus, "b.txt"), "second");
    writeFileSync(join(corpus, "a.txt"), "first");
    writeFileSync(join(corpus, "notes.md"), "ignored");
    const io = fakeIo(() => json({ id: "corpus_1", characters: 11 }, 201));
    expect(await main(["corpora", "upload", corpus + "/"], io)).toBe(0);
    expect(io.requests[0]!.body).toEqual({ name: "essays", files: [{ name: "a.txt", text: "first" }, { name: "b.txt", text: "second" }] });
    expect(io.out()).toContain("stored corpus corpus_1 (2 files, 11 characters); use it with: ctxprobe eval --corpus corpus_1");
  });

  it("refuses a directory without .txt files", async () => {
    const io = fakeIo();
    expect(await main(["corpora", "upload", mkdtempSync(join(dir, "empty-"))], io)).toBe(2);
    expect(io.err()).toContain("no .txt files");
  });
});

describe("help", () => {
  it.each([["--help"], ["eval", "--help"], ["runs", "--help"], ["score", "-h"], ["datasets", "--help"], ["corpora", "upload", "--help"], ["help", "eval"]])("%j prints usage, exit 0", async (...argv) => {
    const io = fakeIo();
    expect(await main(argv, io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: ctxprobe/);
  });

  it("explains what each upload command sends", async () => {
    const datasets = fakeIo();
    await main(["datasets", "--help"], datasets);
    expect(datasets.out()).toContain("POST /v1/datasets");
    const corpora = fakeIo();
    await main(["corpora", "--help"], corpora);
    expect(corpora.out()).toContain("ctxprobe eval --corpus ID");
  });

  it("unknown commands exit 2", async () => {
    const io = fakeIo();
    expect(await main(["frobnicate"], io)).toBe(2);
    expect(io.err()).toContain('unknown command "frobnicate"');
  });
});
