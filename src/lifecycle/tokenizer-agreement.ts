// Tokenizer agreement: two fixed prompts, the agreement text once and eight times, counted by us
// and by the server (usage.prompt_tokens). The short one must match within what a server adds on
// its own (a BOS; for chat its template, ≤ 8 per message + 1); the ratio of the differences is the
// server's tokens per local token, which the truncation rule measures reported counts against.
import type { PublicModel as ModelSpec } from "../contract/model";
import type { PreflightReport } from "../contract/preflight";
import { CALIBRATION_REPEATS, countingTokenizer, promptOf, RepeatedTextCounter, repeatedText } from "./calibration";
import { callEndpoint, type EndpointTarget, type Fetcher } from "./endpoint/client";

type Check = PreflightReport["checks"][number];

export interface Agreement {
  check: Check;
  /** null when unknown: tokenizer "endpoint", or no usage reported. */
  agrees: boolean | null;
  /** Server tokens per token of the counting tokenizer (countingTokenizer); null without usage. */
  ratio: number | null;
}

/** Tokenizers agree when the long prompt's difference matches to 1 % (the tokenizer tolerance). */
export const RATIO_TOLERANCE = 0.01;

async function reportedCount(model: ModelSpec, target: EndpointTarget, fetcher: Fetcher, repeats: number): Promise<number | null> {
  const outcome = await callEndpoint(target, promptOf(model.api, repeatedText(repeats)), 1, fetcher);
  return outcome.kind === "ok" ? outcome.usage.promptTokens : null;
}

export async function checkTokenizerAgreement(model: ModelSpec, target: EndpointTarget, fetcher: Fetcher): Promise<Agreement> {
  const counter = await RepeatedTextCounter.of(countingTokenizer(model));
  const ours = { short: counter.count(1), long: counter.count(CALIBRATION_REPEATS) };
  const short = await reportedCount(model, target, fetcher, 1);
  const long = short === null ? null : await reportedCount(model, target, fetcher, CALIBRATION_REPEATS);
  const ratio = short === null || long === null ? null : Math.round(((long - short) / (ours.long - ours.short)) * 10_000) / 10_000;
  if (model.tokenizer === "endpoint") {
    return { check: { name: "tokenizer_agreement", ok: null, detail: 'tokenizer "endpoint": lengths are counted by the server itself' }, agrees: null, ratio };
  }
  if (short === null || ratio === null) {
    return { check: { name: "tokenizer_agreement", ok: null, detail: "the server reported no usage.prompt_tokens to compare with" }, agrees: null, ratio: null };
  }
  const framing = model.api === "chat" ? 9 : 1;
  const agrees = short >= ours.short && short <= ours.short + framing && Math.abs(ratio - 1) <= RATIO_TOLERANCE;
  const detail =
    `${model.tokenizer} counts ${ours.short} tokens for a fixed prompt, the server ${short}; ${ratio} server tokens per ${model.tokenizer} token` +
    (agrees ? "" : ": the run's tokenizer is not the model's, so lengths would not be what they claim");
  return { check: { name: "tokenizer_agreement", ok: agrees, detail }, agrees, ratio };
}
