import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  BUILTIN_CORPORA,
  DEFAULT_CORPUS,
  DOCUMENT_SEPARATOR,
  loadBuiltinCorpus,
} from "../../../../src/probes/corpora/index";
import { fnv1a64Hex } from "../../../../src/probes/corpora/hash";
import { SOTU_DOCUMENTS, SOTU_FILE_COUNT } from "../../../../src/probes/corpora/sotu-documents";
import { MOBY_DICK_SECTIONS } from "../../../../src/probes/corpora/moby-dick-sections";
import { CODE_FILE_COUNT, CODE_FILES, CODE_PACKAGE_NAME, CODE_PACKAGE_VERSION } from "../../../../src/probes/corpora/code-files";
import { TOKENIZER_NAMES, getTokenizer, loadTokenizers } from "../../../../src/probes/tokenizers/index";

describe("built-in corpora", () => {
  it("lists sotu (the default), moby-dick and code", () => {
    expect(DEFAULT_CORPUS).toBe("sotu");
    expect(BUILTIN_CORPORA.map((corpus) => corpus.id)).toEqual(["sotu", "moby-dick", "code"]);
    for (const corpus of BUILTIN_CORPORA) expect(corpus.description.length).toBeGreaterThan(20);
  });

  it("describes each corpus with its generated module's own counts (the descriptions are literals, so the modules load lazily)", () => {
    const described = (id: string) => BUILTIN_CORPORA.find((corpus) => corpus.id === id)!.description;
    expect(described("sotu")).toContain(`The first ${SOTU_FILE_COUNT} U.S. State of the Union addresses`);
    expect(SOTU_DOCUMENTS).toHaveLength(SOTU_FILE_COUNT);
    expect(described("code")).toContain(`the ${CODE_FILE_COUNT} TypeScript files of ${CODE_PACKAGE_NAME} ${CODE_PACKAGE_VERSION} (MIT)`);
    expect(CODE_FILES).toHaveLength(CODE_FILE_COUNT);
  });

  it("loads a corpus on first use; the synchronous accessor refuses one not loaded yet", async () => {
    vi.resetModules(); // a new instance of the module, with nothing loaded
    const fresh = await import("../../../../src/probes/corpora/index");
    expect(() => fresh.builtinCorpus("code")).toThrow(/await loadBuiltinCorpus\("code"\) first/);
    const code = await fresh.loadBuiltinCorpus("code");
    expect(fresh.builtinCorpus("code")).toBe(code);
    expect(await fresh.loadBuiltinCorpus("code")).toBe(code);
  });

  it("version is 64-bit FNV-1a of the UTF-8 text", async () => {
    expect(fnv1a64Hex("")).toBe("cbf29ce484222325");
    expect(fnv1a64Hex("a")).toBe("af63dc4c8601ec8c");
    expect(fnv1a64Hex("foobar")).toBe("85944171f73967e8");
    expect(fnv1a64Hex("héllo — ok")).toBe("f5631e70b74c70f0"); // computed with Python
    const sotu = await loadBuiltinCorpus("sotu");
    expect(sotu.version).toMatch(/^[0-9a-f]{16}$/);
    expect(sotu.version).toBe(fnv1a64Hex(sotu.text));
    expect((await loadBuiltinCorpus("sotu"))).toBe(sotu); // cached
    expect((await loadBuiltinCorpus("moby-dick")).version).not.toBe(sotu.version);
  });

  it("sotu: addresses in sorted file order joined by a blank line", async () => {
    const sotu = await loadBuiltinCorpus("sotu");
    const years = SOTU_DOCUMENTS.map((address) => address.year);
    expect(years).toEqual([...years].sort((a, b) => a - b));
    expect(SOTU_DOCUMENTS[0]!.name).toBe("George Washington");
    expect(sotu.text.startsWith("Fellow-Citizens of the Senate")).toBe(true);
    expect(sotu.text.split(DOCUMENT_SEPARATOR)).toHaveLength(SOTU_DOCUMENTS.length);
  });

  it("moby-dick: book order, chapters with their headings, no table of contents", async () => {
    const text = (await loadBuiltinCorpus("moby-dick")).text;
    expect(MOBY_DICK_SECTIONS).toHaveLength(138);
    expect(text.startsWith("ETYMOLOGY.")).toBe(true);
    expect(text).toContain("CHAPTER 1. Loomings.\n\nCall me Ishmael.");
    expect(text.indexOf("CHAPTER 2. ")).toBeGreaterThan(text.indexOf("CHAPTER 1. "));
    expect(text.indexOf("CHAPTER 135. ")).toBeLessThan(text.indexOf("Epilogue"));
    expect(text).not.toContain("CONTENTS");
  });

  it("code: zod's v4 classic and core sources in path order, each after its header line", async () => {
    const text = (await loadBuiltinCorpus("code")).text;
    const paths = CODE_FILES.map((file) => file.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths.every((path) => /^src\/v4\/(classic|core)\/[^/]+\.ts$/.test(path) && !path.endsWith(".test.ts"))).toBe(true);
    expect(paths).toContain("src/v4/core/schemas.ts");
    expect(text.startsWith("// File: zod/src/v4/classic/checks.ts\n")).toBe(true);
    expect(text.match(/^\/\/ File: zod\/src\/v4\/.+$/gm)).toHaveLength(CODE_FILES.length);
    expect(text).toContain(`${CODE_FILES[0]!.text.trim()}${DOCUMENT_SEPARATOR}// File: zod/${CODE_FILES[1]!.path}\n`);
    expect(BUILTIN_CORPORA.find((corpus) => corpus.id === "code")!.description).toMatch(/zod 4\.\d+\.\d+ \(MIT\)/);
  });

  describe("long enough in every built-in tokenizer", () => {
    beforeAll(() => loadTokenizers(), 60_000);

    it.each(TOKENIZER_NAMES)("%s: sotu >= 260K tokens", async (name) => {
      const sotu = getTokenizer(name).encode((await loadBuiltinCorpus("sotu")).text).length;
      console.log(`${name}: sotu ${sotu} tokens`);
      expect(sotu).toBeGreaterThanOrEqual(260_000);
    }, 60_000);

    // Moby-Dick only in the byte-level BPEs, which pack the most text per token; the SentencePiece
    // vocabularies need ~14% more tokens for it (llama2 327K, mistral 318K measured).
    it.each(["cl100k_base", "o200k_base", "llama3"] as const)("%s: moby-dick >= 260K tokens", async (name) => {
      const moby = getTokenizer(name).encode((await loadBuiltinCorpus("moby-dick")).text).length;
      console.log(`${name}: moby-dick ${moby} tokens`);
      expect(moby).toBeGreaterThanOrEqual(260_000);
    }, 60_000);

    // Built-in corpora skip the per-run length check, so code must cover 128Ki = 131,072 tokens;
    // its description promises 190K (measured: cl100k_base 195,991, o200k_base 196,581,
    // llama2 243,445, llama3 195,982, mistral 240,060).
    it.each(TOKENIZER_NAMES)("%s: code >= 190K tokens (128Ki with margin)", async (name) => {
      const code = getTokenizer(name).encode((await loadBuiltinCorpus("code")).text).length;
      console.log(`${name}: code ${code} tokens`);
      expect(code).toBeGreaterThanOrEqual(190_000); // > 131,072
    }, 60_000);
  });
});
