// Helpers for the browser test of the public pages.
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { freePort } from "./support";

export const ARTIFACTS_DIR = "test-artifacts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return `${ARTIFACTS_DIR}/${name}`;
}

/** An OpenAI-compatible completions endpoint that answers the needle after `delayMs`, so a run stays live for a while. */
export async function startSlowEndpoint(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      setTimeout(() => {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            id: "slow",
            object: "text_completion",
            choices: [{ index: 0, text: "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.", finish_reason: "stop" }],
            usage: { prompt_tokens: 1000, completion_tokens: 20, total_tokens: 1020 },
          }),
        );
      }, delayMs);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/v1`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
