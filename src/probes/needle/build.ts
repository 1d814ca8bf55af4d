// Building needle-in-a-haystack probes (paper protocol §1.3).
//
// Fast path: the corpus is tokenized once per (corpus version, tokenizer) into a cached Haystack;
// a probe is then a prefix of those tokens with the needle's tokens spliced in, and its text is
// slices of the corpus text around the needle, so nothing is tokenized or decoded per probe.
// The result is the string the paper's procedure yields (see naive.ts): the paper re-tokenizes
// decode(corpus[:L]) before trimming to L - 200 - len(needle), and that re-tokenization can only
// differ from corpus[:L] in the last few tokens, which the trim cuts off.
//
// BOS: the paper's HF path left literal "<s>" markers in the haystack (encode() added BOS, decode()
// kept it). We reproduce the intended clean text instead: no BOS/EOS anywhere in the haystack.
import { getTokenizer, loadTokenizer } from "../tokenizers/index";
import type { Api, BuiltPrompt, Corpus, Tokenizer, TokenizerName } from "../types";
import { FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE, RETRIEVAL_QUESTION } from "./constants";
import { loadHaystack, type BoundaryStore, type HaystackSource } from "./boundary-cache";
import { getHaystack, haystackText, isHaystackCached, planNeedlePlacement, rememberHaystack, tokenizeHaystack } from "./haystack";
import { chatMessages, completionsPrompt } from "./templates";

export { FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE, RETRIEVAL_QUESTION };

/** Generation budgets of the paper: HF generate(max_new_tokens=50), OpenAI max_tokens=300. */
export const MAX_TOKENS: Record<Api, number> = { completions: 50, chat: 300 };

export interface NeedleSpec {
  tokenizer: TokenizerName;
  contextLength: number;
  depthPercent: number;
  api: Api;
}

export interface NeedleProbe {
  prompt: BuiltPrompt;
  /** Tokens of the constructed list (haystack + needle) = contextLength - 200. */
  constructedTokens: number;
  /** Position of the needle's first token in that list. */
  needleTokenIndex: number;
  /** 50 for completions, 300 for chat. */
  maxTokens: number;
}

export interface NeedleHaystack {
  /** Haystack text with the needle in it: what goes into {context}. */
  text: string;
  constructedTokens: number;
  needleTokenIndex: number;
  /** Where the needle starts in `text`. */
  needleCharIndex: number;
}

const needleIdsMemo = new WeakMap<Tokenizer, Map<string, number[]>>();

function needleIds(tokenizer: Tokenizer, needle: string): number[] {
  let memo = needleIdsMemo.get(tokenizer);
  if (!memo) needleIdsMemo.set(tokenizer, (memo = new Map()));
  let ids = memo.get(needle);
  if (!ids) {
    ids = tokenizer.encode(needle);
    // The fast path splices the needle's own text; that equals decoding its tokens.
    if (tokenizer.decode(ids) !== needle) throw new Error(`${tokenizer.name}: the needle does not round-trip`);
    memo.set(needle, ids);
  }
  return ids;
}

/** The haystack with the needle at `depthPercent` (fast path; tokenizes the corpus on first use). */
export function buildNeedleHaystack(
  tokenizer: Tokenizer,
  corpus: Corpus,
  cell: { contextLength: number; depthPercent: number; needle?: string; bufferTokens?: number },
): NeedleHaystack {
  const needle = cell.needle ?? NEEDLE;
  const haystack = getHaystack(tokenizer, corpus);
  const needleTokens = needleIds(tokenizer, needle).length;
  const { contextTokens, insertionPoint } = planNeedlePlacement({
    corpusTokens: haystack.ids.length,
    needleTokens,
    contextLength: cell.contextLength,
    depthPercent: cell.depthPercent,
    bufferTokens: cell.bufferTokens ?? FINAL_CONTEXT_LENGTH_BUFFER,
    isSentenceEndAt: (index) => haystack.sentenceEnd[index] === 1,
  });
  const before = haystackText(haystack, tokenizer, 0, insertionPoint);
  const after = haystackText(haystack, tokenizer, insertionPoint, contextTokens);
  return {
    text: before + needle + after,
    constructedTokens: contextTokens + needleTokens,
    needleTokenIndex: insertionPoint,
    needleCharIndex: before.length,
  };
}

/** Wraps a haystack in the paper's prompt for `api`. */
export function needlePrompt(api: Api, context: string): BuiltPrompt {
  return api === "chat"
    ? { api, messages: chatMessages(context, RETRIEVAL_QUESTION) }
    : { api, prompt: completionsPrompt(context, RETRIEVAL_QUESTION) };
}

/**
 * Builds one probe. The tokenizer must be loaded (`await prepareNeedleProbes(...)` or
 * `await loadTokenizer(...)`); the first probe per (corpus, tokenizer) tokenizes the corpus.
 */
export function buildNeedleProbe(spec: NeedleSpec, corpus: Corpus): NeedleProbe {
  const tokenizer = getTokenizer(spec.tokenizer);
  const haystack = buildNeedleHaystack(tokenizer, corpus, spec);
  return {
    prompt: needlePrompt(spec.api, haystack.text),
    constructedTokens: haystack.constructedTokens,
    needleTokenIndex: haystack.needleTokenIndex,
    maxTokens: MAX_TOKENS[spec.api],
  };
}

/**
 * Loads the tokenizer and puts the corpus's haystack into this isolate's cache, so builds are fast.
 * With a boundary store (R2 in the Worker) a fresh isolate reads the tokenization from it instead
 * of tokenizing the corpus again; the first one to tokenize writes it there.
 */
export async function prepareNeedleProbes(tokenizer: TokenizerName, corpus: Corpus, store?: BoundaryStore | null): Promise<HaystackSource> {
  const loaded = await loadTokenizer(tokenizer);
  if (isHaystackCached(tokenizer, corpus.version)) return "memory";
  if (!store) {
    getHaystack(loaded, corpus);
    return "tokenized";
  }
  const { haystack, source } = await loadHaystack({ tokenizer, corpus, store, tokenize: () => tokenizeHaystack(loaded, corpus) });
  rememberHaystack(haystack);
  return source;
}

/**
 * Exact token count of a built prompt: the completions prompt, or for chat the sum over message
 * contents (the per-message chat framing is model-specific and not counted). BPE merges across the
 * needle and template seams, so this can differ by a few tokens from constructedTokens plus the
 * template's own tokens. It re-encodes everything: about as slow as the naive build.
 */
export function countPromptTokens(prompt: BuiltPrompt, tokenizer: Tokenizer): number {
  if (prompt.api === "completions") return tokenizer.encode(prompt.prompt).length;
  return prompt.messages.reduce((sum, message) => sum + tokenizer.encode(message.content).length, 0);
}

/**
 * Tokens of each template without its context, as countPromptTokens counts them on an empty
 * context (test/unit/needle checks the table against the tokenizers).
 */
export const TEMPLATE_TOKENS: Record<Api, Record<TokenizerName, number>> = {
  completions: { cl100k_base: 44, o200k_base: 44, llama2: 47, llama3: 44, mistral: 48 },
  chat: { cl100k_base: 65, o200k_base: 63, llama2: 71, llama3: 65, mistral: 69 },
};

/** Cheap prompt-size estimate for dry runs: no tokenizer, no corpus (exact to a few tokens). */
export function estimateNeedlePromptTokens(spec: NeedleSpec): number {
  const template = TEMPLATE_TOKENS[spec.api]?.[spec.tokenizer];
  if (template === undefined) throw new Error(`no template size for api "${spec.api}" and tokenizer "${spec.tokenizer}"`);
  return spec.contextLength - FINAL_CONTEXT_LENGTH_BUFFER + template;
}
