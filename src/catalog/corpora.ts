// Haystack corpora: the built-in ones ship with the Worker; uploaded ones are stored in R2 (text)
// and D1 (metadata). Uploads are immutable — a new upload is a new id — so a run's recipe, which
// pins the corpus version, can always be rebuilt.
import { sha256Hex } from "../common/hash";
import { newId } from "../common/ids";
import type { CorpusRow } from "../db/schema";
import { isBuiltinCorpusId, joinDocuments, loadBuiltinCorpus } from "../probes/corpora";
import type { SuiteContext } from "../probes/suites";
import type { Corpus } from "../probes/types";
import { r2BoundaryStore } from "./boundary-store";
import { loadBook, loadBookQaDataset } from "./datasets";
import { getCorpusRow, insertCorpus, listCorpusRows } from "./store";

export interface CorpusFile {
  name: string;
  text: string;
}

const uploaded = new Map<string, Corpus>(); // per isolate; safe because uploads never change

export async function loadCorpus(env: Env, id: string): Promise<Corpus | null> {
  if (isBuiltinCorpusId(id)) return loadBuiltinCorpus(id);
  const cached = uploaded.get(id);
  if (cached) return cached;
  const row = await getCorpusRow(env.DB, id);
  if (!row) return null;
  const object = await env.BLOBS.get(row.r2Key);
  if (!object) throw new Error(`corpus ${id}: text missing from storage (${row.r2Key})`);
  const corpus = { id, version: row.version, text: await object.text() };
  uploaded.set(id, corpus);
  return corpus;
}

/** What the probe science may ask of the service: corpora, datasets, books and the boundary cache. */
export function suiteContext(env: Env): SuiteContext {
  return {
    loadCorpus: (id) => loadCorpus(env, id),
    loadBookQaDataset: (id, limit) => loadBookQaDataset(env, id, limit),
    loadBook: (ref) => loadBook(env, ref),
    boundaryStore: r2BoundaryStore(env.BLOBS),
  };
}

/** Joins the files in name order (deterministic, unlike the paper's glob order) and stores them. */
export async function storeCorpus(env: Env, name: string, files: CorpusFile[], now = Date.now()): Promise<CorpusRow> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const text = joinDocuments(sorted.map((f) => f.text));
  const version = (await sha256Hex(text)).slice(0, 16);
  const id = newId("corpus", 12);
  const row: CorpusRow = { id, name, version, files: files.length, characters: text.length, r2Key: `corpora/${id}/${version}.txt`, createdAt: now };
  // R2 first: a row never points at text that is not there.
  await env.BLOBS.put(row.r2Key, text, { httpMetadata: { contentType: "text/plain; charset=utf-8" }, customMetadata: { name, version } });
  await insertCorpus(env.DB, row);
  return row;
}

export function listUploadedCorpora(env: Env): Promise<CorpusRow[]> {
  return listCorpusRows(env.DB);
}

export function corpusRow(env: Env, id: string): Promise<CorpusRow | undefined> {
  return getCorpusRow(env.DB, id);
}
