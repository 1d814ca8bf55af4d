// Shapes shared by the probe science (pure TypeScript, no Cloudflare imports) and the run lifecycle.

export type Api = "completions" | "chat";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** The exact request payload a probe sends: a raw prompt (completions) or a message list (chat). */
export type BuiltPrompt =
  | { api: "completions"; prompt: string }
  | { api: "chat"; messages: ChatMessage[] };

export const TOKENIZER_NAMES = ["cl100k_base", "o200k_base", "llama2", "llama3", "mistral"] as const;
export type TokenizerName = (typeof TOKENIZER_NAMES)[number];

/**
 * What a model's lengths are counted in: a local tokenizer, or "endpoint" — the server's own
 * tokenizer through its tokenize route, else calibrated against usage.prompt_tokens (needle and RULER suites).
 */
export const MODEL_TOKENIZERS = [...TOKENIZER_NAMES, "endpoint"] as const;
export type ModelTokenizer = (typeof MODEL_TOKENIZERS)[number];

export interface Tokenizer {
  readonly name: TokenizerName;
  /** Token ids of `text`, without BOS/EOS or any special tokens. */
  encode(text: string): number[];
  /** Text of `ids`; decode(encode(t)) === t for ordinary text. */
  decode(ids: readonly number[]): string;
}

/** A text corpus the haystack is cut from; `version` changes whenever the text does. */
export interface Corpus {
  id: string;
  version: string;
  text: string;
}

/** Scores of one probe, each in [0, 1]; run aggregates are reported ×100. */
export type ProbeScores = Record<string, number>;

/**
 * What became of a probe. `truncated`: the server cut the prompt silently (its reported
 * prompt_tokens fell well short of what was sent) — the model never saw the probe as built.
 * `incomplete`: a reasoning reply ended inside its reasoning, with no answer to score. Neither
 * counts as wrong; both are left out of means.
 */
export const PROBE_STATUSES = ["pending", "scored", "unscorable", "failed", "cancelled", "truncated", "incomplete"] as const;
export type ProbeStatus = (typeof PROBE_STATUSES)[number];
