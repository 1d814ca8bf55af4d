// sse_parse: one 2 / 4 / 8 MB server-sent event in 16 KiB chunks through the linear event-stream
// parser (src/lifecycle/endpoint/event-stream.ts) and, for comparison, the quadratic reader it replaced.
import { performance } from "node:perf_hooks";
import { readEventStream } from "../../lifecycle/endpoint/client";
import { median, round } from "./stats";

/**
 * The event-stream reader before the linear parser, kept here only to compare: it appended each
 * chunk to one string and searched it from the start for "\n\n", so one big event is quadratic.
 */
async function oldReadEventStream(body: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  let buffer = "";
  let done = false;
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const handleEvent = (event: string) => {
    for (const line of event.split("\n")) {
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") return void (done = true);
      text += (JSON.parse(data) as { choices: { text: string }[] }).choices[0]!.text;
    }
  };
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
    let boundary: number;
    while ((boundary = buffer.indexOf("\n\n")) >= 0 && !done) {
      handleEvent(buffer.slice(0, boundary));
      buffer = buffer.slice(boundary + 2);
    }
    if (done) break;
  }
  return text;
}

/** One event of `megabytes` MB (then [DONE]) in 16 KiB chunks: each reader's median time, and the 8 MB / 2 MB ratio. */
export async function sseParse(sizesMb = [2, 4, 8], runs = 5, oldRuns = 3) {
  const chunkBytes = 16 * 1024;
  const streamOf = (bytes: Uint8Array) => {
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(at, (at += chunkBytes)));
      },
    });
  };
  const time = async (read: () => Promise<unknown>, n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await read();
      ms.push(performance.now() - start);
    }
    return median(ms);
  };
  const rows: { mb: number; new_ms_p50: number; old_ms_p50: number }[] = [];
  for (const mb of sizesMb) {
    const bytes = new TextEncoder().encode(`data: {"choices":[{"text":"${"a".repeat(mb * 1_000_000)}"}]}\n\ndata: [DONE]\n\n`);
    const newMs = await time(async () => {
      const outcome = await readEventStream(streamOf(bytes), Date.now(), bytes.length);
      if (outcome.kind !== "ok") throw new Error(`sse_parse: ${JSON.stringify(outcome)}`);
    }, runs);
    const oldMs = await time(() => oldReadEventStream(streamOf(bytes)), oldRuns);
    rows.push({ mb, new_ms_p50: round(newMs, 1), old_ms_p50: round(oldMs, 0) });
  }
  const ratio = (key: "new_ms_p50" | "old_ms_p50") => round(rows[rows.length - 1]![key] / rows[0]![key], 1);
  return { chunk_bytes: chunkBytes, rows, new_ratio_8_2: ratio("new_ms_p50"), old_ratio_8_2: ratio("old_ms_p50"), note: "linear: the ratio stays near 4; quadratic: near 16" };
}

