// Datasets as runs read them. Book QA: the built-in ones ship with the Worker; imported ones
// (./dataset-import.ts) come from D1 (questions) and R2 (books). Multiple choice (mmlu): the built-in
// smoke set ships with the Worker; imported ones (./mc-import.ts) come from D1. Per-isolate caches
// are safe: all of them are immutable.
import { MC_TASK, type DatasetTask } from "../contract/catalog";
import type { BookQaDatasetRow } from "../db/schema";
import type { BookQaTask } from "../probes/bookqa";
import { assembleMcDataset } from "../probes/mmlu/import";
import { SMOKE_SET_DESCRIPTION, SMOKE_SET_ID, smokeSet } from "../probes/mmlu/smoke-set";
import type { LoadedMcDataset } from "../probes/mmlu/types";
import {
  BUILTIN_BOOKQA_DATASETS,
  builtinBook,
  builtinBookQaDataset,
  isBuiltinBookQaDatasetId,
  type BookQaDatasetInfo,
  type BookQaItem,
  type LoadedBookQaDataset,
} from "../probes/suites/bookqa-datasets";
import type { RulerQaDataset } from "../probes/ruler/qa-data";
import { canUse, type Owner, type Viewer } from "./access";
import { rulerQaKey } from "./ruler-qa-import";
import { datasetQuestions, getDatasetRow, listDatasetRows, mcDatasetQuestions } from "./store";

/** A dataset of either kind as the catalog describes it; `subjects` and `shots_from` for mmlu only. */
export type CatalogDatasetInfo = Omit<BookQaDatasetInfo, "task"> & {
  task: DatasetTask;
  subjects?: number;
  shots_from?: LoadedMcDataset["shots_from"];
};

type BookQaRow = BookQaDatasetRow & { task: BookQaTask };
const isRulerQaRow = (row: BookQaDatasetRow) => row.task === "ruler_squad" || row.task === "ruler_hotpotqa";
const isBookQaRow = (row: BookQaDatasetRow): row is BookQaRow => row.task !== MC_TASK && !isRulerQaRow(row);

/** What every imported dataset says about itself, whatever its kind. */
function commonInfo(row: BookQaDatasetRow): Omit<BookQaDatasetInfo, "task"> {
  const { id, name, revision, questions, books, bytes } = row;
  return { id, name, revision, builtin: false, questions, books, bytes, public: row.public === 1, description: null, created_at: row.createdAt };
}

const bookQaInfo = (row: BookQaRow): BookQaDatasetInfo => ({ ...commonInfo(row), task: row.task });

export function importedInfo(row: BookQaDatasetRow): CatalogDatasetInfo {
  if (isBookQaRow(row)) return bookQaInfo(row);
  if (row.task === "ruler_squad" || row.task === "ruler_hotpotqa") return { ...commonInfo(row), task: row.task };
  return { ...commonInfo(row), task: MC_TASK, subjects: row.subjects ?? 0, shots_from: row.shotsFrom ?? "dev" };
}

const MAX_CACHED_DATASETS = 16;
const datasets = new Map<string, LoadedBookQaDataset & { owner: Owner }>();

async function loadImported(env: Env, id: string): Promise<(LoadedBookQaDataset & { owner: Owner }) | null> {
  const cached = datasets.get(id);
  if (cached) return cached;
  const row = await getDatasetRow(env.DB, id);
  if (!row || !isBookQaRow(row)) return null;
  const items: BookQaItem[] = (await datasetQuestions(env.DB, id)).map((q) => ({
    id: q.questionId,
    input: q.input,
    answer: q.answer,
    options: q.options,
    book: q.bookKey,
    book_chars: q.bookChars,
  }));
  const loaded = { info: bookQaInfo(row), items, owner: row };
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
  if (!ref.startsWith("books/")) return builtinBook(ref);
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

// ── Multiple-choice (mmlu) datasets ─────────────────────────────────────────────────────────

/** The built-in multiple-choice sets, by id: the one place a new one plugs in. */
const BUILTIN_MC_DATASETS: ReadonlyMap<string, { load: () => LoadedMcDataset; description: string }> = new Map([
  [SMOKE_SET_ID, { load: smokeSet, description: SMOKE_SET_DESCRIPTION }],
]);

function builtinMcInfo(id: string): CatalogDatasetInfo | null {
  const builtin = BUILTIN_MC_DATASETS.get(id);
  if (!builtin) return null;
  const set = builtin.load();
  const subjects = new Set([...set.items.map((item) => item.subject), ...Object.keys(set.dev)]).size;
  const { name, revision, shots_from } = set;
  return { id, name, task: MC_TASK, revision, builtin: true, questions: set.items.length, books: 0, bytes: null, public: true, description: builtin.description, created_at: null, subjects, shots_from };
}

/** An imported set holds up to 20,000 questions (MMLU: ~14 MB in memory): few are cached. */
const MAX_CACHED_MC_DATASETS = 2;
const mcDatasets = new Map<string, { dataset: LoadedMcDataset; owner: Owner }>();

async function loadImportedMc(env: Env, id: string): Promise<{ dataset: LoadedMcDataset; owner: Owner } | null> {
  const cached = mcDatasets.get(id);
  if (cached) return cached;
  const row = await getDatasetRow(env.DB, id);
  if (!row || row.task !== MC_TASK) return null;
  const rows = (await mcDatasetQuestions(env.DB, id)).map((q) => ({ ...q, answer: q.answer as 0 | 1 | 2 | 3 }));
  const { items, dev } = assembleMcDataset(rows);
  const loaded = { dataset: { id, name: row.name, revision: row.revision, items, dev, shots_from: row.shotsFrom ?? "dev" }, owner: row };
  mcDatasets.set(id, loaded);
  while (mcDatasets.size > MAX_CACHED_MC_DATASETS) mcDatasets.delete(mcDatasets.keys().next().value!);
  return loaded;
}

/** A multiple-choice dataset the viewer may use (asked items in dataset order, few-shot pool per subject), or null. */
export async function loadMcDataset(env: Env, id: string, viewer: Viewer): Promise<LoadedMcDataset | null> {
  const builtin = BUILTIN_MC_DATASETS.get(id);
  if (builtin) return builtin.load();
  const loaded = await loadImportedMc(env, id);
  return loaded && canUse(viewer, loaded.owner) ? loaded.dataset : null;
}

// ── RULER QA (qa_1 / qa_2) ────────────────────────────────────────────────────────────────

/** A parsed SQuAD set is ~1 MB, a capped HotpotQA one a few MB: few are cached. */
const MAX_CACHED_RULER_QA = 2;
const rulerQa = new Map<string, { dataset: RulerQaDataset; revision: string; owner: Owner }>();

/** An imported RULER QA dataset the viewer may use, with its revision, or null. */
export async function loadRulerQaDataset(env: Env, id: string, viewer: Viewer): Promise<{ dataset: RulerQaDataset; revision: string } | null> {
  let loaded = rulerQa.get(id);
  if (!loaded) {
    const row = await getDatasetRow(env.DB, id);
    if (!row || !isRulerQaRow(row)) return null;
    const object = await env.BLOBS.get(rulerQaKey(row.revision));
    if (!object) throw new Error(`dataset ${id}: its documents are missing from storage`);
    loaded = { dataset: (await object.json()) as RulerQaDataset, revision: row.revision, owner: row };
    rulerQa.set(id, loaded);
    while (rulerQa.size > MAX_CACHED_RULER_QA) rulerQa.delete(rulerQa.keys().next().value!);
  }
  return canUse(viewer, loaded.owner) ? { dataset: loaded.dataset, revision: loaded.revision } : null;
}

// ── Either kind ─────────────────────────────────────────────────────────────────────────────

export async function builtinDatasetInfos(): Promise<CatalogDatasetInfo[]> {
  const bookQa = await Promise.all(BUILTIN_BOOKQA_DATASETS.map(async (d) => (await builtinBookQaDataset(d.id))!.info));
  return [...bookQa, ...[...BUILTIN_MC_DATASETS.keys()].map((id) => builtinMcInfo(id)!)];
}

export async function listImportedDatasets(env: Env, viewer: Viewer): Promise<BookQaDatasetRow[]> {
  return listDatasetRows(env.DB, viewer);
}

/** The dataset's description (book QA or multiple choice) if the viewer may use it. */
export async function getDatasetInfo(env: Env, id: string, viewer: Viewer): Promise<CatalogDatasetInfo | null> {
  if (isBuiltinBookQaDatasetId(id)) return (await builtinBookQaDataset(id, 0))!.info;
  const builtinMc = builtinMcInfo(id);
  if (builtinMc) return builtinMc;
  const row = await getDatasetRow(env.DB, id);
  return row && canUse(viewer, row) ? importedInfo(row) : null;
}
