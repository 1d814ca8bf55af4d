// The catalog as callers see it: corpora to cut haystacks from and book QA datasets to ask, built-in
// and uploaded, in the contract's shapes.
import { DomainError, notFound } from "../common/errors";
import { iso } from "../common/time";
import { envNumber } from "../config";
import type { CorpusInfo, CorpusUpload, DatasetInfo } from "../contract/catalog";
import type { CorpusRow } from "../db/schema";
import type { BookQaTask } from "../probes/bookqa";
import { BUILTIN_CORPORA, isBuiltinCorpusId, loadBuiltinCorpus, type BuiltinCorpusId } from "../probes/corpora";
import type { BookQaDatasetInfo } from "../probes/suites/bookqa-datasets";
import { corpusRow, listUploadedCorpora, storeCorpus } from "./corpora";
import { DatasetImportError, DatasetTooLargeError, DEFAULT_MAX_DATASET_BYTES, importDataset } from "./dataset-import";
import { builtinDatasetInfos, getDatasetInfo, importedInfo, listImportedDatasets } from "./datasets";

function uploadedInfo(row: CorpusRow): CorpusInfo {
  return { id: row.id, name: row.name, builtin: false, version: row.version, files: row.files, characters: row.characters, description: null, created_at: iso(row.createdAt) };
}

function builtinInfo(id: BuiltinCorpusId): CorpusInfo {
  const corpus = loadBuiltinCorpus(id);
  const description = BUILTIN_CORPORA.find((c) => c.id === id)!.description;
  return { id, name: id, builtin: true, version: corpus.version, files: null, characters: corpus.text.length, description, created_at: null };
}

export async function uploadCorpus(env: Env, upload: CorpusUpload): Promise<CorpusInfo> {
  return uploadedInfo(await storeCorpus(env, upload.name, upload.files));
}

export async function listCorpora(env: Env): Promise<CorpusInfo[]> {
  return [...BUILTIN_CORPORA.map((b) => builtinInfo(b.id)), ...(await listUploadedCorpora(env)).map(uploadedInfo)];
}

export async function corpusInfo(env: Env, id: string): Promise<CorpusInfo> {
  if (isBuiltinCorpusId(id)) return builtinInfo(id);
  const row = await corpusRow(env, id);
  if (!row) throw notFound(`no corpus with id ${id}`);
  return uploadedInfo(row);
}

const datasetView = (info: BookQaDatasetInfo): DatasetInfo => ({ ...info, created_at: iso(info.created_at) });

/** Imports an InfiniteBench file; a refusal names every bad line (the first ones) as /lines/<n>, and nothing is kept. */
export async function importDatasetFile(env: Env, file: { task: BookQaTask; name: string; body: ReadableStream<Uint8Array> }): Promise<DatasetInfo> {
  try {
    const row = await importDataset(env, { ...file, maxBytes: envNumber(env.MAX_DATASET_BYTES, DEFAULT_MAX_DATASET_BYTES) });
    return datasetView(importedInfo(row));
  } catch (error) {
    if (error instanceof DatasetTooLargeError) throw new DomainError("too-large", "body-too-large", `${error.message}; nothing was imported`);
    if (!(error instanceof DatasetImportError)) throw error;
    const fields = error.errors.map((e) => ({ pointer: e.line === 0 ? "/lines" : `/lines/${e.line}`, detail: e.detail, in: "body" as const }));
    const shown = fields.length < error.invalidLines ? ` (the first ${fields.length} are listed)` : "";
    const detail = error.invalidLines === 1 ? `${fields[0]!.pointer}: ${fields[0]!.detail}` : `${error.invalidLines} lines are invalid${shown}; see errors[]`;
    throw new DomainError("invalid", "validation-failed", `${detail}; nothing was imported`, { fields });
  }
}

export async function listDatasets(env: Env): Promise<DatasetInfo[]> {
  const imported = await listImportedDatasets(env);
  return [...builtinDatasetInfos(), ...imported.map(importedInfo)].map(datasetView);
}

export async function datasetInfo(env: Env, id: string): Promise<DatasetInfo> {
  const info = await getDatasetInfo(env, id);
  if (!info) throw notFound(`no dataset with id ${id}`);
  return datasetView(info);
}
