// A minimal OpenAI-compatible endpoint for benchmarks: answers every prompt after a fixed latency
// and records when calls arrive and how many were in flight at once.
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";

export interface BenchEndpoint {
  url: string;
  arrivals: number[];
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startBenchEndpoint(latencyMs: number): Promise<BenchEndpoint> {
  const state: BenchEndpoint = { url: "", arrivals: [], maxInFlight: 0, close: async () => {} };
  let inFlight = 0;
  const server = createServer((req, res) => {
    state.arrivals.push(performance.now());
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    req.resume();
    req.on("end", () => {
      setTimeout(() => {
        inFlight--;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ choices: [{ index: 0, text: "eat a sandwich and sit in Dolores Park on a sunny day.", finish_reason: "stop" }], usage: { prompt_tokens: 0, completion_tokens: 12 } }));
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  state.url = `http://127.0.0.1:${port}/v1`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
