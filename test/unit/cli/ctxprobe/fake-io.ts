// A CliIo for tests: captured output, a given environment, a scripted fetch and a clock that
// advances when the command sleeps.
import type { CliIo } from "../../../../src/cli/ctxprobe/io";

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export type FakeRoute = (req: RecordedRequest) => Response | Promise<Response>;

export interface FakeIo extends CliIo {
  out: () => string;
  err: () => string;
  requests: RecordedRequest[];
}

export const json = (body: unknown, status = 200, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });

export const problemResponse = (status: number, body: Record<string, unknown>) => json({ type: "/problems/x", title: "x", status, ...body }, status, "application/problem+json");

export function fakeIo(route: FakeRoute = () => json({}), env: Record<string, string> = {}, tty = false): FakeIo {
  let stdout = "";
  let stderr = "";
  let clock = 1_000_000;
  const requests: RecordedRequest[] = [];
  return {
    stdout: { write: (s: string) => (stdout += s), isTTY: tty },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    env,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    fetch: async (input, init) => {
      const raw = init?.body;
      const body = typeof raw === "string" ? JSON.parse(raw) : raw;
      const req = { method: init?.method ?? "GET", url: new URL(String(input)), headers: (init?.headers ?? {}) as Record<string, string>, body };
      requests.push(req);
      return route(req);
    },
    out: () => stdout,
    err: () => stderr,
    requests,
  };
}

/** A run resource with the fields the CLI reads; `overrides` replaces any of them. */
export function runResource(overrides: Record<string, unknown> = {}) {
  return {
    id: "run_test",
    status: "succeeded",
    public: true,
    reference: false,
    progress: { total: 4, done: 4, failed: 0, unscorable: 0, truncated: 0, incomplete: 0 },
    warnings: [],
    model: { name: "m", base_url: "http://e/v1", api: "completions", model: "m", tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 4, request_timeout_s: 600 },
    suites: [{ index: 0, type: "needle", corpus: "sotu", tokenizer: "cl100k_base", probes: 4, scored: 4, unscorable: 0, failed: 0, scores: { paper: 91.67, rouge1: 100, contains: 100 } }],
    usage: { prompt_tokens: 10, completion_tokens: 2 },
    error: null,
    created_at: "2024-01-01T00:00:00.000Z",
    started_at: null,
    finished_at: null,
    links: {},
    ...overrides,
  };
}

export const heatmapResource = { run_id: "run_test", suite: 0, metric: "paper", context_lengths: [1000, 4000], depth_percents: [0, 100], scores: [[1, 1], [1, 0]] };
