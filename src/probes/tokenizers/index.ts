// Tokenizers by name. Every Tokenizer here encodes without BOS/EOS and treats special-token text
// (e.g. "<|im_start|>") as ordinary characters.
//
// Loading is asynchronous on purpose: each tokenizer's module holds its vocabulary, and the packages
// build theirs when the module is evaluated (module load plus build, measured in Node: cl100k ~0.12 s,
// o200k ~0.23 s, llama2 ~0.07 s, llama3 ~0.08 s, mistral ~0.07 s; 10, 20, 8, 12 and 8 MB of heap).
// Static imports would put all of that into every isolate's startup, so each module is pulled in by
// a dynamic import() the first time its tokenizer is asked for (esbuild and vite both keep such
// modules lazily evaluated). llama3 is our own byte-level BPE (./llama3.ts); llama2 and mistral use
// their packages' vocabularies and merges with our merge loop (./sentencepiece.ts).
// `getTokenizer` is the synchronous accessor for code that runs after `await loadTokenizer(name)`.
// Built vocabularies are Residents (./residency.ts): all but cl100k_base (the reference models use
// it on every call) and mistral (its package builds one module-level object and exports nothing to
// rebuild it with) may be released when idle and are rebuilt on their next use.
import { TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from "../types";
import { Resident, trimResidents, type ResidentVocabulary } from "./residency";
import { forgetSentencePieceTables, wrapSentencePiece, type SentencePieceLibrary } from "./sentencepiece";
import { wrapGptEncoding } from "./tiktoken";

export { TOKENIZER_NAMES };
export type { Tokenizer, TokenizerName };

interface LoadedTokenizer {
  tokenizer: Tokenizer;
  resident: ResidentVocabulary;
}

// gpt-tokenizer keeps an LRU of the pre-tokens it had to merge, 100,000 by default; measured ~270 B
// each, 27 MB once full, and cl100k_base's never goes away. 10,000 keeps it under 3 MB; a warm
// re-encode of a book is ~1.5-2x slower than with the full cache, a cold one no slower.
const GPT_MERGE_CACHE_ENTRIES = 10_000;

async function gptDecoder(): Promise<TextDecoder> {
  return (await import("gpt-tokenizer/BytePairEncodingCore")).decoder;
}

/** Our own o200k_base encoder (the package's encoding module would keep one built for good). */
async function loadO200k(): Promise<LoadedTokenizer> {
  const [{ GptEncoding }, ranks] = await Promise.all([import("gpt-tokenizer/GptEncoding"), import("gpt-tokenizer/bpeRanks/o200k_base")]);
  const build = () => {
    const encoding = GptEncoding.getEncodingApi("o200k_base", () => ranks.default);
    encoding.setMergeCacheSize(GPT_MERGE_CACHE_ENTRIES);
    return encoding;
  };
  const resident = new Resident(true, build(), build);
  return { tokenizer: wrapGptEncoding("o200k_base", () => resident.get(), await gptDecoder()), resident };
}

/** The decoded vocabulary and merges of llama-tokenizer-js; their base64 source stays in the module. */
interface BuiltVocabulary {
  vocabById?: unknown;
  vocabByString?: unknown;
  merges?: unknown;
}

// The package's default instance stays referenced by its module, so releasing it means emptying it
// (and dropping the id tables ./sentencepiece.ts built for it, which that reference would keep).
function freeVocabulary(instance: BuiltVocabulary): void {
  forgetSentencePieceTables(instance as unknown as SentencePieceLibrary);
  instance.vocabById = instance.vocabByString = instance.merges = undefined;
}

const LOADERS: Record<TokenizerName, () => Promise<LoadedTokenizer>> = {
  cl100k_base: async () => {
    const encoding = await import("gpt-tokenizer/encoding/cl100k_base");
    encoding.setMergeCacheSize(GPT_MERGE_CACHE_ENTRIES); // shared with src/reference, which may have filled it
    encoding.clearMergeCache();
    const resident = new Resident(false, encoding, () => encoding);
    return { tokenizer: wrapGptEncoding("cl100k_base", () => resident.get(), await gptDecoder()), resident };
  },
  o200k_base: loadO200k,
  llama2: async () => {
    const { default: first, LlamaTokenizer } = await import("llama-tokenizer-js");
    // The default instance is emptied on release; a registry loaded anew (tests that reset their
    // modules) may find it so, and then builds its own.
    const initial = first.vocabById ? first : new LlamaTokenizer();
    const resident = new Resident(true, initial, () => new LlamaTokenizer(), freeVocabulary);
    return { tokenizer: wrapSentencePiece("llama2", () => resident.get()), resident };
  },
  llama3: async () => {
    const { buildLlama3, wrapLlama3 } = await import("./llama3");
    const resident = new Resident(true, buildLlama3(), buildLlama3);
    return { tokenizer: wrapLlama3(() => resident.get()), resident };
  },
  mistral: async () => {
    const library = (await import("mistral-tokenizer-js")).default;
    const resident = new Resident(false, library, () => library);
    return { tokenizer: wrapSentencePiece("mistral", () => resident.get()), resident };
  },
};

// Per-isolate caches.
const loaded = new Map<TokenizerName, LoadedTokenizer>();
const loading = new Map<TokenizerName, Promise<Tokenizer>>();

export function isTokenizerName(value: string): value is TokenizerName {
  return (TOKENIZER_NAMES as readonly string[]).includes(value);
}

/**
 * Loads (once per isolate) and returns the tokenizer, rebuilt if it had been released; then frees
 * other idle vocabularies beyond the limit (./residency.ts).
 */
export function loadTokenizer(name: TokenizerName): Promise<Tokenizer> {
  const ready = loaded.get(name);
  if (ready) {
    ready.resident.get();
    trimResidents(ready.resident);
    return Promise.resolve(ready.tokenizer);
  }
  let pending = loading.get(name);
  if (!pending) {
    if (!isTokenizerName(name)) return Promise.reject(new Error(`unknown tokenizer "${String(name)}"`));
    pending = LOADERS[name]().then(
      (entry) => {
        loaded.set(name, entry);
        loading.delete(name);
        trimResidents(entry.resident);
        return entry.tokenizer;
      },
      (error: unknown) => {
        loading.delete(name);
        throw error;
      },
    );
    loading.set(name, pending);
  }
  return pending;
}

export function loadTokenizers(names: readonly TokenizerName[] = TOKENIZER_NAMES): Promise<Tokenizer[]> {
  return Promise.all(names.map(loadTokenizer));
}

export function isTokenizerLoaded(name: TokenizerName): boolean {
  return loaded.has(name);
}

/** Whether the tokenizer's vocabulary is built now (false once released, until its next use). */
export function isTokenizerResident(name: TokenizerName): boolean {
  return loaded.get(name)?.resident.isBuilt ?? false;
}

export class TokenizerNotLoadedError extends Error {
  constructor(readonly tokenizer: string) {
    super(`tokenizer "${tokenizer}" is not loaded yet: await loadTokenizer("${tokenizer}") first`);
    this.name = "TokenizerNotLoadedError";
  }
}

/** The cached tokenizer; throws TokenizerNotLoadedError if `loadTokenizer(name)` has not finished. */
export function getTokenizer(name: TokenizerName): Tokenizer {
  const entry = loaded.get(name);
  if (!entry) throw new TokenizerNotLoadedError(name);
  return entry.tokenizer;
}
