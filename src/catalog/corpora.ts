// Haystack corpora: the built-in ones ship with the Worker; uploaded ones are stored in R2 (text)
// and D1 (metadata). Uploads are immutable — a new upload is a new id — so a run's recipe, which
// pins the corpus version, can always be rebuilt.
import { sha256Hex } from "../common/hash";
import { newId } from "../common/ids";
import type { CorpusRow } from "../db/schema";
import { isBuiltinCorpusId, joinDocuments, loadBuiltinCorpus } from "../probes/corpora";
import type { SuiteContext } from "../probes/suites";
import type { Corpus } from "../probes/types";
import { canUse, type Owner, type Viewer } from "./access";
import { r2BoundaryStore } from "./boundary-store";
import { loadBook, loadBookQaDataset, loadMcDataset, loadRulerQaDataset } from "./datasets";
import { getCorpusRow, insertCorpus, listCorpusRows } from "./store";

export interface CorpusFile {
  name: string;
  text: string;
}

// Per isolate; safe because uploads never change (text, version and owner alike).
const MAX_CACHED_CORPORA = 8;
const uploaded = new Map<string, { corpus: Corpus; owner: Owner }>();

/** A corpus the viewer may use, or null (unknown, or another account's private upload). */
export async function loadCorpus(env: Env, id: string, viewer: Viewer): Promise<Corpus | null> {
  if (isBuiltinCorpusId(id)) return await loadBuiltinCorpus(id);
  let entry = uploaded.get(id);
  if (!entry) {
    const row = await getCorpusRow(env.DB, id);
    if (!row) return null;
    const object = await env.BLOBS.get(row.r2Key);
    if (!object) throw new Error(`corpus ${id}: text missing from storage (${row.r2Key})`);
    entry = { corpus: { id, version: row.version, text: await object.text() }, owner: row };
    uploaded.set(id, entry);
    while (uploaded.size > MAX_CACHED_CORPORA) uploaded.delete(uploaded.keys().next().value!);
  }
  return canUse(viewer, entry.owner) ? entry.corpus : null;
}

/** What the probe science may ask of the service on behalf of `viewer`: corpora, datasets, books, the boundary cache. */
export function suiteContext(env: Env, viewer: Viewer): SuiteContext {
  return {
    loadCorpus: (id) => loadCorpus(env, id, viewer),
    loadBookQaDataset: (id, limit) => loadBookQaDataset(env, id, viewer, limit),
    loadBook: (ref) => loadBook(env, ref),
    loadMcDataset: (id) => loadMcDataset(env, id, viewer),
    loadRulerQaDataset: (id) => loadRulerQaDataset(env, id, viewer),
    boundaryStore: r2BoundaryStore(env.BLOBS),
  };
}

export interface CorpusOwnership {
  accountId: string;
  public: boolean;
}

/** Characters of the corpus these files make once joined (what its upload counts toward the account's quota). */
export function joinedLength(files: CorpusFile[]): number {
  return joinDocuments(files.map((f) => f.text)).length;
}

/** Joins the files in name order (deterministic, unlike the paper's glob order) and stores them. */
export async function storeCorpus(env: Env, name: string, files: CorpusFile[], owner: CorpusOwnership, now = Date.now()): Promise<CorpusRow> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const text = joinDocuments(sorted.map((f) => f.text));
  const version = (await sha256Hex(text)).slice(0, 16);
  const id = newId("corpus", 12);
  const row: CorpusRow = {
    id,
    name,
    version,
    files: files.length,
    characters: text.length,
    r2Key: `corpora/${id}/${version}.txt`,
    createdAt: now,
    accountId: owner.accountId,
    public: owner.public ? 1 : 0,
  };
  // R2 first: a row never points at text that is not there.
  await env.BLOBS.put(row.r2Key, text, { httpMetadata: { contentType: "text/plain; charset=utf-8" }, customMetadata: { name, version } });
  await insertCorpus(env.DB, row);
  return row;
}

export function listUploadedCorpora(env: Env, viewer: Viewer): Promise<CorpusRow[]> {
  return listCorpusRows(env.DB, viewer);
}

/** The corpus's row if the viewer may use it. */
export async function visibleCorpusRow(env: Env, id: string, viewer: Viewer): Promise<CorpusRow | undefined> {
  const row = await getCorpusRow(env.DB, id);
  return row && canUse(viewer, row) ? row : undefined;
}
