// Importing a SQuAD or HotpotQA file for RULER's qa_1 / qa_2: one JSON document (SQuAD's
// {"data": [articles]}, HotpotQA's [items]), streamed through a JSON parser that hands over one
// article or item at a time, so the file is never held whole; it is hashed as it streams (the
// revision). RULER's documents and questions (../probes/ruler/qa-data.ts) go to R2 as one JSON
// object under ruler-qa/<revision>.json and the dataset's row to D1. A malformed item refuses the
// import (nothing is kept).
import { JSONParser } from "@streamparser/json";
import { StreamingSha256 } from "../common/hash";
import { newId } from "../common/ids";
import type { RulerQaTask } from "../contract/catalog";
import type { BookQaDatasetRow } from "../db/schema";
import { QaCollector, type QaFormat } from "../probes/ruler/qa-data";
import { DatasetImportError, DatasetTooLargeError, MAX_REPORTED_ERRORS, type LineError } from "./dataset-import";
import { insertDataset } from "./store";

export const QA_FORMAT_OF: Record<RulerQaTask, QaFormat> = { ruler_squad: "squad", ruler_hotpotqa: "hotpotqa" };
/** Where a RULER QA dataset's documents and questions live. */
export const rulerQaKey = (revision: string) => `ruler-qa/${revision}.json`;

export interface RulerQaImport {
  task: RulerQaTask;
  name: string;
  accountId: string;
  public: boolean;
  body: ReadableStream<Uint8Array>;
  maxBytes: number;
}

/** Streams the file's items into a collector; `errors` point at items as /lines/<item number>. */
async function collect(upload: RulerQaImport, hash: StreamingSha256): Promise<{ collector: QaCollector; bytes: number; errors: LineError[]; invalid: number }> {
  const collector = new QaCollector(QA_FORMAT_OF[upload.task]);
  const errors: LineError[] = [];
  let invalid = 0;
  const parser = new JSONParser({ paths: [collector.format === "squad" ? "$.data.*" : "$.*"], keepStack: false });
  parser.onValue = ({ value }) => {
    const verdict = collector.take(value);
    if (!verdict.ok && errors.length < MAX_REPORTED_ERRORS) errors.push({ line: collector.items, detail: verdict.detail });
    if (!verdict.ok) invalid++;
  };
  let bytes = 0;
  const reader = upload.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (bytes > upload.maxBytes) throw new DatasetTooLargeError(upload.maxBytes);
      await hash.update(value);
      parser.write(value);
    }
    if (!parser.isEnded) parser.end();
  } catch (error) {
    if (error instanceof DatasetTooLargeError) throw error;
    throw new DatasetImportError([{ line: 0, detail: `not a ${collector.format === "squad" ? "SQuAD" : "HotpotQA"} JSON file: ${error instanceof Error ? error.message : String(error)}` }], 1);
  } finally {
    reader.releaseLock();
  }
  return { collector, bytes, errors, invalid };
}

export async function importRulerQaDataset(env: Env, upload: RulerQaImport, now = Date.now()): Promise<BookQaDatasetRow> {
  const hash = new StreamingSha256();
  const { collector, bytes, errors, invalid } = await collect(upload, hash);
  if (invalid === 0 && collector.questions === 0) errors.push({ line: 0, detail: `the file holds no ${collector.format === "squad" ? "answerable SQuAD question (data[].paragraphs[].qas[])" : "HotpotQA item"}` });
  if (errors.length) throw new DatasetImportError(errors, Math.max(invalid, 1));
  const dataset = collector.finish();
  const revision = await hash.hex();
  const key = rulerQaKey(revision);
  if (!(await env.BLOBS.head(key))) await env.BLOBS.put(key, JSON.stringify(dataset), { httpMetadata: { contentType: "application/json" } });
  const row: BookQaDatasetRow = {
    id: newId("ds", 12),
    name: upload.name,
    task: upload.task,
    revision,
    questions: dataset.qas.length,
    books: dataset.docs.length,
    bytes,
    createdAt: now,
    accountId: upload.accountId,
    public: upload.public ? 1 : 0,
    subjects: null,
    shotsFrom: null,
  };
  await insertDataset(env.DB, row, []);
  return row;
}
