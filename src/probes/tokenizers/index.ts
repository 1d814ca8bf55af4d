// Tokenizers by name. Every Tokenizer here encodes without BOS/EOS and treats special-token text
// (e.g. "<|im_start|>") as ordinary characters.
//
// Loading is asynchronous on purpose: each package builds its vocabulary when its module is
// evaluated (measured in Node: cl100k ~0.27 s, o200k ~0.32 s, llama2 ~0.18 s, llama3 ~1.1 s,
// mistral ~0.26 s). Static imports would put all of that into every isolate's startup, beyond
// workerd's startup budget, so each package is pulled in by a dynamic import() the first time its
// tokenizer is asked for (esbuild and vite both keep such modules lazily evaluated).
// `getTokenizer` is the synchronous accessor for code that runs after `await loadTokenizer(name)`.
import { TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from "../types";
import { wrapLlama3 } from "./llama3";
import { wrapSentencePiece } from "./sentencepiece";
import { wrapGptEncoding } from "./tiktoken";

export { TOKENIZER_NAMES };
export type { Tokenizer, TokenizerName };

async function gptDecoder(): Promise<TextDecoder> {
  return (await import("gpt-tokenizer/BytePairEncodingCore")).decoder;
}

const LOADERS: Record<TokenizerName, () => Promise<Tokenizer>> = {
  cl100k_base: async () =>
    wrapGptEncoding("cl100k_base", await import("gpt-tokenizer/encoding/cl100k_base"), await gptDecoder()),
  o200k_base: async () =>
    wrapGptEncoding("o200k_base", await import("gpt-tokenizer/encoding/o200k_base"), await gptDecoder()),
  llama2: async () => wrapSentencePiece("llama2", (await import("llama-tokenizer-js")).default),
  llama3: async () => wrapLlama3((await import("llama3-tokenizer-js")).default),
  mistral: async () => wrapSentencePiece("mistral", (await import("mistral-tokenizer-js")).default),
};

// Per-isolate caches.
const loaded = new Map<TokenizerName, Tokenizer>();
const loading = new Map<TokenizerName, Promise<Tokenizer>>();

export function isTokenizerName(value: string): value is TokenizerName {
  return (TOKENIZER_NAMES as readonly string[]).includes(value);
}

/** Loads (once per isolate) and returns the tokenizer. */
export function loadTokenizer(name: TokenizerName): Promise<Tokenizer> {
  const ready = loaded.get(name);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(name);
  if (!pending) {
    if (!isTokenizerName(name)) return Promise.reject(new Error(`unknown tokenizer "${String(name)}"`));
    pending = LOADERS[name]().then(
      (tokenizer) => {
        loaded.set(name, tokenizer);
        loading.delete(name);
        return tokenizer;
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

export class TokenizerNotLoadedError extends Error {
  constructor(readonly tokenizer: string) {
    super(`tokenizer "${tokenizer}" is not loaded yet: await loadTokenizer("${tokenizer}") first`);
    this.name = "TokenizerNotLoadedError";
  }
}

/** The cached tokenizer; throws TokenizerNotLoadedError if `loadTokenizer(name)` has not finished. */
export function getTokenizer(name: TokenizerName): Tokenizer {
  const tokenizer = loaded.get(name);
  if (!tokenizer) throw new TokenizerNotLoadedError(name);
  return tokenizer;
}
