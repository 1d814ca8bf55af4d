// The paper's full 40 × 10 needle grid through the real local service, against a perfect
// endpoint that checks every prompt's length in the model's tokenizer (cl100k_base).
import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { allProbes, bearer, getJson, startFakeEndpoint, startService, waitForRun, type FakeEndpoint } from "./support";

const PAPER_LENGTHS = [
  1000, 4256, 7513, 10769, 14026, 17282, 20538, 23795, 27051, 30308, 33564, 36821, 40077, 43333, 46590, 49846, 53103, 56359, 59615, 62872,
  66128, 69385, 72641, 75897, 79154, 82410, 85667, 88923, 92179, 95436, 98692, 101949, 105205, 108462, 111718, 114974, 118231, 121487, 124744, 128000,
];
const NEEDLE_SENTENCE = "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";
const TEMPLATE_TOKENS = 44; // the base-model template without its context, in cl100k_base

let service: Awaited<ReturnType<typeof startService>>;
let endpoint: FakeEndpoint;
const measured = new Map<string, number>(); // prompt sha256 → exact cl100k token count

beforeAll(async () => {
  service = await startService();
  // A perfect model: it answers with the needle when the prompt holds it, and reports exact usage.
  endpoint = await startFakeEndpoint((call) => {
    const tokens = encode(call.body.prompt ?? "", { disallowedSpecial: new Set() }).length;
    measured.set(call.sha256, tokens);
    call.reportedPromptTokens = tokens;
    return call.body.prompt?.includes(NEEDLE_SENTENCE) ? NEEDLE_SENTENCE : "I do not know.";
  });
});

afterAll(async () => {
  await endpoint?.close();
  service?.cleanup();
});

it("a paper run against a perfect endpoint scores 91.67 with every prompt within its budget", async () => {
  const res = await fetch(`${service.url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(service.adminToken) },
    body: JSON.stringify({
      model: { name: "perfect", base_url: endpoint.url, model: "perfect", tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 6, request_timeout_s: 60 },
      suites: [{ type: "needle", preset: "paper" }],
    }),
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const run = await waitForRun(service.url, id, 600_000);
  expect(run.status).toBe("succeeded");
  expect(run.progress).toMatchObject({ total: 400, done: 400, failed: 0, unscorable: 0, token_mismatches: 0 });
  expect(run.suites[0].scores.paper).toBe(91.67);
  expect(run.suites[0].scores.contains).toBe(100);

  const heatmap = await getJson(`${service.url}/v1/runs/${id}/heatmap?metric=paper`);
  expect(heatmap.context_lengths).toEqual(PAPER_LENGTHS);
  expect(heatmap.depth_percents).toEqual([0, 11, 22, 33, 44, 56, 67, 78, 89, 100]);
  expect(heatmap.scores).toHaveLength(10);
  expect(heatmap.scores.every((row: number[]) => row.length === 40 && row.every((s) => Math.abs(s - 11 / 12) < 1e-12))).toBe(true);

  const probes = await allProbes(service.url, id, service.adminToken);
  expect(endpoint.calls).toHaveLength(400); // every probe sent exactly once
  const seamDrift = new Map<number, number>();
  for (const probe of probes) {
    const tokens = measured.get(probe.prompt_sha256)!;
    // haystack + needle is exactly L − 200 tokens as built; the whole prompt adds the template,
    // give or take a token at each of the four seams where BPE may merge differently.
    expect(probe.constructed_tokens).toBe(probe.context_length - 200);
    const drift = tokens - (probe.context_length - 200 + TEMPLATE_TOKENS);
    seamDrift.set(drift, (seamDrift.get(drift) ?? 0) + 1);
    expect(Math.abs(drift)).toBeLessThanOrEqual(4);
    expect(tokens).toBeLessThanOrEqual(probe.context_length);
    expect(probe.prompt_tokens).toBe(tokens);
  }
  console.log(`whole-prompt tokens − (L − 200 + template), over 400 probes: ${JSON.stringify(Object.fromEntries([...seamDrift].sort((a, b) => a[0] - b[0])))}`);
});
