// bookqa_service — book QA through the local service (moved here from test/e2e/bookqa.test.ts,
// same inputs): importing a streamed InfiniteBench-format file, then evaluating the imported set
// (6 probes at a 128K window) and the built-in set (both tasks) against extractive-128k.
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
// The e2e test's generated books, so the figures are for the file that test imports.
import { BOOKS, largeFixtureLines, lineStream } from "../../../test/worker/bookqa-fixture";
import { authHeaders } from "../run-audit";
import { submitAndWait, type BenchService } from "./client";
import type { ServiceBench } from "./service";
import { round } from "./stats";

async function importDataset(service: BenchService) {
  const lines = largeFixtureLines();
  const hash = createHash("sha256");
  const sent = { bytes: 0 };
  const started = performance.now();
  const res = await fetch(`${service.url}/v1/datasets?task=longbook_qa_eng&name=generated-en-qa`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", ...authHeaders(service.token) },
    body: lineStream(lines, (bytes) => (hash.update(bytes), (sent.bytes += bytes.length))),
    duplex: "half",
  } as RequestInit);
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${await res.text()}`);
  const dataset = (await res.json()) as { id: string; books: number; revision: string };
  if (dataset.revision !== hash.digest("hex") || dataset.books !== BOOKS.length) throw new Error("the import stored something else than was sent");
  const mb = sent.bytes / 1e6;
  return { id: dataset.id, figures: { mb: round(mb, 1), questions: lines.length, books: dataset.books, s: round(seconds), mb_per_s: round(mb / seconds, 1) } };
}

async function timedRun(service: BenchService, suites: unknown[]) {
  const model = { name: "ref-128k", base_url: `${service.url}/reference/v1`, model: "extractive-128k", tokenizer: "cl100k_base", max_concurrency: 6 };
  const { run, wallS } = await submitAndWait(service, { model, suites });
  if (run.status !== "succeeded") throw new Error(`book QA run ${run.status}`);
  return { probes: run.progress.total as number, wall_s: round(wallS, 1) };
}

export async function bookQaService({ service }: ServiceBench) {
  console.error("bookqa_service: importing the e2e test's generated InfiniteBench file, then the imported and built-in sets against extractive-128k…");
  const imported = await importDataset(service);
  return {
    import: imported.figures,
    imported_run: { window: 128_000, ...(await timedRun(service, [{ type: "bookqa", dataset: imported.id, limit: 6 }])) },
    builtin_run: await timedRun(service, [{ type: "bookqa" }, { type: "bookqa", dataset: "moby-dick-mc" }]),
  };
}
