// Fixed prompts whose token counts we know, for comparing our counts with the server's: the
// agreement check (a short prompt and one eight times longer: the difference of the two reported
// counts over the difference of ours is the server's tokens per local token, with a BOS and a chat
// template cancelled out) and window discovery (prompts of a chosen length).
import type { PublicModel as ModelSpec } from "../contract/model";
import { loadTokenizer, type Tokenizer } from "../probes/tokenizers";
import type { BuiltPrompt, TokenizerName } from "../probes/types";

/** A fixed prompt of ordinary English, ~60 tokens in every tokenizer, for the agreement check. */
export const AGREEMENT_TEXT =
  "The keeper of the lighthouse climbed the narrow stairs every evening, trimmed the wick, wound the clockwork that turned the lens, " +
  "and wrote the weather, the ships he saw and the hour of the lamp in a small leather book.";

/** Repeats of the agreement text in the long calibration prompt. */
export const CALIBRATION_REPEATS = 8;

export const promptOf = (api: ModelSpec["api"], text: string): BuiltPrompt => (api === "chat" ? { api, messages: [{ role: "user", content: text }] } : { api, prompt: text });

/** The tokenizer we count calibration prompts in: the run's own, or cl100k_base when the server counts (tokenizer "endpoint"). */
export function countingTokenizer(model: Pick<ModelSpec, "tokenizer">): TokenizerName {
  return model.tokenizer === "endpoint" ? "cl100k_base" : (model.tokenizer as TokenizerName);
}

/** The agreement text said `repeats` times, joined by spaces. */
export const repeatedText = (repeats: number) => Array.from({ length: repeats }, () => AGREEMENT_TEXT).join(" ");

/**
 * Counts of repeated texts without encoding them whole: one text's count plus, per join, what the
 * joined pair adds beyond two texts (pre-tokenizers split at the spaces, so joins do not interact).
 */
export class RepeatedTextCounter {
  private constructor(
    private readonly single: number,
    private readonly perJoin: number,
  ) {}

  static async of(name: TokenizerName): Promise<RepeatedTextCounter> {
    const tokenizer: Tokenizer = await loadTokenizer(name);
    const single = tokenizer.encode(AGREEMENT_TEXT).length;
    return new RepeatedTextCounter(single, tokenizer.encode(repeatedText(2)).length - single);
  }

  count(repeats: number): number {
    return this.single + (repeats - 1) * this.perJoin;
  }

  /** The most repeats whose count stays at or below `tokens` (at least 1). */
  repeatsFor(tokens: number): number {
    return Math.max(1, Math.floor((tokens - this.single) / this.perJoin) + 1);
  }
}
