// The catalog as callers see it: corpora to cut haystacks from and datasets to ask (book QA and
// multiple choice), built-in and uploaded, in the contract's shapes. Everything uploaded belongs to
// an account (./access.ts) and counts toward its storage quota.
import type { Principal } from "../accounts/principal";
import { DomainError, notFound } from "../common/errors";
import { iso } from "../common/time";
import { envNumber } from "../config";
import { MC_TASK, RULER_QA_TASKS, type CorpusInfo, type CorpusUpload, type DatasetInfo, type DatasetTask, type RulerQaTask } from "../contract/catalog";
import type { CorpusRow } from "../db/schema";
import { BUILTIN_CORPORA, isBuiltinCorpusId, loadBuiltinCorpus, type BuiltinCorpusId } from "../probes/corpora";
import type { Viewer } from "./access";
import { joinedLength, listUploadedCorpora, storeCorpus, visibleCorpusRow } from "./corpora";
import { DatasetImportError, DatasetTooLargeError, DEFAULT_MAX_DATASET_BYTES, importDataset } from "./dataset-import";
import { builtinDatasetInfos, getDatasetInfo, importedInfo, listImportedDatasets, type CatalogDatasetInfo } from "./datasets";
import { importMcDataset, MAX_MC_DATASET_BYTES, type McFileFormat } from "./mc-import";
import { importRulerQaDataset } from "./ruler-qa-import";
import { storedBytes } from "./store";

/** Default storage quota of an account (MAX_UPLOAD_BYTES_PER_ACCOUNT): corpus characters plus dataset file bytes. */
export const DEFAULT_MAX_UPLOAD_BYTES_PER_ACCOUNT = 2 * 1024 * 1024 * 1024;

function uploadedInfo(row: CorpusRow): CorpusInfo {
  const { id, name, version, files, characters } = row;
  return { id, name, builtin: false, version, files, characters, public: row.public === 1, description: null, created_at: iso(row.createdAt) };
}

async function builtinInfo(id: BuiltinCorpusId): Promise<CorpusInfo> {
  const corpus = await loadBuiltinCorpus(id);
  const description = BUILTIN_CORPORA.find((c) => c.id === id)!.description;
  return { id, name: id, builtin: true, version: corpus.version, files: null, characters: corpus.text.length, public: true, description, created_at: null };
}

/** What the account may still store; the admin account is not capped. */
async function storageLeft(env: Env, principal: Principal): Promise<number> {
  if (principal.admin) return Infinity;
  return envNumber(env.MAX_UPLOAD_BYTES_PER_ACCOUNT, DEFAULT_MAX_UPLOAD_BYTES_PER_ACCOUNT) - (await storedBytes(env.DB, principal.accountId));
}

const quotaExceeded = (what: string) =>
  new DomainError("too-large", "storage-quota-exceeded", `${what} would exceed this account's storage quota (MAX_UPLOAD_BYTES_PER_ACCOUNT); nothing was stored`);

export async function uploadCorpus(env: Env, principal: Principal, upload: CorpusUpload): Promise<CorpusInfo> {
  if (joinedLength(upload.files) > (await storageLeft(env, principal))) throw quotaExceeded("this corpus");
  return uploadedInfo(await storeCorpus(env, upload.name, upload.files, { accountId: principal.accountId, public: upload.public }));
}

export async function listCorpora(env: Env, viewer: Viewer): Promise<CorpusInfo[]> {
  return [...(await Promise.all(BUILTIN_CORPORA.map((b) => builtinInfo(b.id)))), ...(await listUploadedCorpora(env, viewer)).map(uploadedInfo)];
}

export async function corpusInfo(env: Env, viewer: Viewer, id: string): Promise<CorpusInfo> {
  if (isBuiltinCorpusId(id)) return builtinInfo(id);
  const row = await visibleCorpusRow(env, id, viewer);
  if (!row) throw notFound(`no corpus with id ${id}`);
  return uploadedInfo(row);
}

const datasetView = (info: CatalogDatasetInfo): DatasetInfo => ({ ...info, created_at: iso(info.created_at) });

export interface DatasetFile {
  task: DatasetTask;
  name: string;
  public: boolean;
  body: ReadableStream<Uint8Array>;
  /** How the file is written: JSON lines (any task) or, for mmlu, one of MMLU's CSV files. */
  format: McFileFormat;
  /** mmlu CSV only: the file's name (its subject and split). */
  fileName?: string;
}

const isRulerQaTask = (task: DatasetTask): task is RulerQaTask => (RULER_QA_TASKS as readonly string[]).includes(task);

/** Imports an InfiniteBench or MMLU-format file; a refusal names every bad line (the first ones) as /lines/<n>, and nothing is kept. */
export async function importDatasetFile(env: Env, principal: Principal, file: DatasetFile): Promise<DatasetInfo> {
  // Multiple-choice questions wait in memory until the file has validated: a lower cap of their own.
  const perUpload = Math.min(envNumber(env.MAX_DATASET_BYTES, DEFAULT_MAX_DATASET_BYTES), file.task === MC_TASK ? MAX_MC_DATASET_BYTES : Infinity);
  const left = await storageLeft(env, principal);
  const upload = { name: file.name, public: file.public, body: file.body, accountId: principal.accountId, maxBytes: Math.min(perUpload, Math.max(0, left)) };
  try {
    const task = file.task;
    const row =
      task === MC_TASK
        ? await importMcDataset(env, { ...upload, format: file.format, fileName: file.fileName })
        : isRulerQaTask(task)
          ? await importRulerQaDataset(env, { ...upload, task })
          : await importDataset(env, { ...upload, task });
    return datasetView(importedInfo(row));
  } catch (error) {
    if (error instanceof DatasetTooLargeError) throw error.maxBytes < perUpload ? quotaExceeded("this dataset") : new DomainError("too-large", "body-too-large", `${error.message}; nothing was imported`);
    if (!(error instanceof DatasetImportError)) throw error;
    const fields = error.errors.map((e) => ({ pointer: e.line === 0 ? "/lines" : `/lines/${e.line}`, detail: e.detail, in: "body" as const }));
    const shown = fields.length < error.invalidLines ? ` (the first ${fields.length} are listed)` : "";
    const detail = error.invalidLines === 1 ? `${fields[0]!.pointer}: ${fields[0]!.detail}` : `${error.invalidLines} lines are invalid${shown}; see errors[]`;
    throw new DomainError("invalid", "validation-failed", `${detail}; nothing was imported`, { fields });
  }
}

export async function listDatasets(env: Env, viewer: Viewer): Promise<DatasetInfo[]> {
  const imported = await listImportedDatasets(env, viewer);
  return [...(await builtinDatasetInfos()), ...imported.map(importedInfo)].map(datasetView);
}

export async function datasetInfo(env: Env, viewer: Viewer, id: string): Promise<DatasetInfo> {
  const info = await getDatasetInfo(env, id, viewer);
  if (!info) throw notFound(`no dataset with id ${id}`);
  return datasetView(info);
}

/** Refuses (not found) a rebuild of prompts made from a corpus or dataset the viewer may not see. */
export async function requireUsable(env: Env, viewer: Viewer, data: { corpora?: string[]; datasets?: string[] }): Promise<void> {
  for (const id of data.corpora ?? []) {
    if (!isBuiltinCorpusId(id) && !(await visibleCorpusRow(env, id, viewer))) throw notFound(`corpus ${id} of this run is private to its account`);
  }
  for (const id of data.datasets ?? []) {
    if (!(await getDatasetInfo(env, id, viewer))) throw notFound(`dataset ${id} of this run is private to its account`);
  }
}
