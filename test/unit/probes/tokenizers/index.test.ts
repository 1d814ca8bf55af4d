import { LlamaTokenizer } from "llama-tokenizer-js";
import mistralTokenizer from "mistral-tokenizer-js";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import {
  TOKENIZER_NAMES,
  getTokenizer,
  loadTokenizers,
} from "../../../../src/probes/tokenizers/index";
import { hasOnlyLeadingSpaceMarks, sentencePieceChunkEnds } from "../../../../src/probes/tokenizers/sentencepiece";

// The oracle is an instance of our own: the registry empties the package's default one when it
// releases llama2, and unit files share their modules.
const llamaTokenizer = new LlamaTokenizer();

describe("tokenizer registry", () => {
  it("getTokenizer refuses before loading, then returns the cached instance", async () => {
    // A fresh registry: unit files share their modules (isolate: false), and another may have loaded o200k_base.
    vi.resetModules();
    const { getTokenizer, isTokenizerLoaded, loadTokenizer, TokenizerNotLoadedError } = await import("../../../../src/probes/tokenizers/index");
    expect(isTokenizerLoaded("o200k_base")).toBe(false);
    expect(() => getTokenizer("o200k_base")).toThrow(TokenizerNotLoadedError);
    const loaded = await loadTokenizer("o200k_base");
    expect(getTokenizer("o200k_base")).toBe(loaded);
    expect(await loadTokenizer("o200k_base")).toBe(loaded);
    await expect(loadTokenizer("gpt2" as "llama2")).rejects.toThrow(/unknown tokenizer/);
  });
});

describe("every built-in tokenizer", () => {
  // Load and encode speed are measured by `npm run bench` (section `tokenizers`).
  beforeAll(() => loadTokenizers(), 60_000);

  it.each(TOKENIZER_NAMES)("%s: no BOS/EOS, special-token text is plain text, exact round trip", (name) => {
    const tokenizer = getTokenizer(name);
    expect(tokenizer.name).toBe(name);
    expect(tokenizer.encode("")).toEqual([]);
    const hello = tokenizer.encode("Hello");
    expect(tokenizer.decode(hello)).toBe("Hello"); // no BOS, no dummy-prefix space
    for (const text of [
      "<|im_start|> This is a very long story book: <book> x </book>.",
      "<|endoftext|><|begin_of_text|><s></s><|eot_id|>",
      "  two  spaces\n\nnew\tlines — ünïcödé 😀 日本語",
    ]) {
      const ids = tokenizer.encode(text);
      expect(ids.length).toBeGreaterThan(3);
      expect(tokenizer.decode(ids)).toBe(text);
    }
    // A character cut in two decodes to U+FFFD and leaves no state behind for the next call.
    const split = tokenizer.encode("語");
    if (split.length > 1) expect(tokenizer.decode(split.slice(0, 1))).toContain("\uFFFD");
    expect(tokenizer.decode(tokenizer.encode("abc"))).toBe("abc");
    // Concatenation at a space seam adds up, which slicing one big tokenization relies on.
    expect(tokenizer.encode("The end. The start").length).toBe(
      tokenizer.encode("The end.").length + tokenizer.encode(" The start").length,
    );
  });

  it("llama2 keeps LLaMA ids: '.' = 29889, ' .' = 869", () => {
    const llama2 = getTokenizer("llama2");
    expect(llama2.encode(".")).toEqual([29889]);
    expect(llama2.encode(" .")).toEqual([869]);
    expect(llama2.encode("Hello")).not.toContain(1); // no BOS
  });

  it("SentencePiece ports: no piece has '▁' after another character, so chunked encoding is exact", async () => {
    expect(hasOnlyLeadingSpaceMarks(llamaTokenizer.vocabById)).toBe(true);
    expect(hasOnlyLeadingSpaceMarks(mistralTokenizer.vocabById)).toBe(true);
    expect(hasOnlyLeadingSpaceMarks(["▁a", "▁▁", "b"])).toBe(true);
    expect(hasOnlyLeadingSpaceMarks(["a▁"])).toBe(false);
    const text = (await loadBuiltinCorpus("moby-dick")).text.slice(0, 30_000);
    expect(sentencePieceChunkEnds(text).length).toBeGreaterThan(5);
    expect(getTokenizer("llama2").encode(text)).toEqual(llamaTokenizer.encode(text, false, false));
    expect(getTokenizer("mistral").encode(text)).toEqual(mistralTokenizer.encode(text, false, false));
  });
});
