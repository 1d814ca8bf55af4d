// Book QA datasets as runs read them: the built-in ones ship with the Worker; imported ones
// (./dataset-import.ts) come from D1 (questions) and R2 (books). Per-isolate caches are safe: both
// are immutable.
import type { BookQaDatasetRow } from "../db/schema";
import {
  BUILTIN_BOOKQA_DATASETS,
  builtinBook,
  builtinBookQaDataset,
  isBuiltinBookQaDatasetId,
  type BookQaDatasetInfo,
  type BookQaItem,
  type LoadedBookQaDataset,
} from "../probes/suites/bookqa-datasets";
import { canUse, type Owner, type Viewer } from "./access";
import { datasetQuestions, getDatasetRow, listDatasetRows } from "./store";


export function importedInfo(row: BookQaDatasetRow): BookQaDatasetInfo {
  return {
    id: row.id,
    name: row.name,
    task: row.task,
    revision: row.revision,
    builtin: false,
    questions: row.questions,
    books: row.books,
    bytes: row.bytes,
    public: row.public === 1,
    description: null,
    created_at: row.createdAt,
  };
}

const MAX_CACHED_DATASETS = 16;
const datasets = new Map<string, LoadedBookQaDataset & { owner: Owner }>();

async function loadImported(env: Env, id: string): Promise<(LoadedBookQaDataset & { owner: Owner }) | null> {
  const cached = datasets.get(id);
  if (cached) return cached;
  const row = await getDatasetRow(env.DB, id);
  if (!row) return null;
  const items: BookQaItem[] = (await datasetQuestions(env.DB, id)).map((q) => ({
    id: q.questionId,
    input: q.input,
    answer: q.answer,
    options: q.options,
    book: q.bookKey,
    book_chars: q.bookChars,
  }));
  const loaded = { info: importedInfo(row), items, owner: row };
  datasets.set(id, loaded);
  if (datasets.size > MAX_CACHED_DATASETS) datasets.delete(datasets.keys().next().value!);
  return loaded;
}

/** A dataset the viewer may use with its first `limit` questions (all by default), or null. */
export async function loadBookQaDataset(env: Env, id: string, viewer: Viewer, limit?: number): Promise<LoadedBookQaDataset | null> {
  if (isBuiltinBookQaDatasetId(id)) return builtinBookQaDataset(id, limit);
  const loaded = await loadImported(env, id);
  if (!loaded || !canUse(viewer, loaded.owner)) return null;
  return limit === undefined ? loaded : { info: loaded.info, items: loaded.items.slice(0, limit) };
}

const MAX_CACHED_BOOKS = 4;
const bookTexts = new Map<string, Promise<string | null>>();

/** A book's text by its reference (an R2 key or the built-in book's pinned reference). */
export function loadBook(env: Env, ref: string): Promise<string | null> {
  if (!ref.startsWith("books/")) return Promise.resolve(builtinBook(ref));
  let pending = bookTexts.get(ref);
  if (!pending) {
    // One read per isolate even when several probes of the same book start together.
    pending = env.BLOBS.get(ref).then((object) => (object ? object.text() : null));
    bookTexts.set(ref, pending);
    pending.then(
      (text) => text === null && bookTexts.delete(ref),
      () => bookTexts.delete(ref),
    );
    while (bookTexts.size > MAX_CACHED_BOOKS) bookTexts.delete(bookTexts.keys().next().value!);
  }
  return pending;
}

export function builtinDatasetInfos(): BookQaDatasetInfo[] {
  return BUILTIN_BOOKQA_DATASETS.map((d) => builtinBookQaDataset(d.id)!.info);
}

export async function listImportedDatasets(env: Env, viewer: Viewer): Promise<BookQaDatasetRow[]> {
  return listDatasetRows(env.DB, viewer);
}

/** The dataset's description if the viewer may use it. */
export async function getDatasetInfo(env: Env, id: string, viewer: Viewer): Promise<BookQaDatasetInfo | null> {
  if (isBuiltinBookQaDatasetId(id)) return builtinBookQaDataset(id, 0)!.info;
  const row = await getDatasetRow(env.DB, id);
  return row && canUse(viewer, row) ? importedInfo(row) : null;
}
