// Needle probes counted in an endpoint's own tokenizer (model.tokenizer = "endpoint"). Pure: the
// calls to the endpoint live in src/lifecycle/endpoint/needle.ts, which hands the results here.
//
// A probe is fixed by two character cuts in the corpus: the haystack is corpus[0:end_char] with the
// needle inserted at insert_char. The cuts are decided once, when the probe is first built (from
// the endpoint's tokenization, verified with its tokenize route, or from a calibrated proxy
// tokenizer), and stored with the probe: rebuilding the prompt later needs only the corpus and the
// cuts — never the endpoint — so GET …/prompt hashes to the stored prompt_sha256.
import type { Api, BuiltPrompt, Corpus, Tokenizer } from "../types";
import { NEEDLE } from "./constants";
import { planNeedlePlacement, type Haystack } from "./haystack";
import { needlePrompt } from "./build";

/** What a probe stores in probes.build_json. */
export interface EndpointBuild {
  /** route: counted by the endpoint's tokenize route (exact); calibrated: proxy tokenizer × measured ratio (approximate). */
  mode: "route" | "calibrated";
  insert_char: number;
  end_char: number;
  /** Haystack + needle tokens in the endpoint's tokenizer: counted by its route, or estimated. */
  constructed_tokens: number;
  /** The whole prompt's tokens in the endpoint's tokenizer (constructed + template). */
  expected_prompt_tokens: number;
}

export function isEndpointBuild(value: unknown): value is EndpointBuild {
  const v = value as Partial<EndpointBuild> | null;
  return (
    typeof v === "object" && v !== null && (v.mode === "route" || v.mode === "calibrated") &&
    [v.insert_char, v.end_char, v.constructed_tokens, v.expected_prompt_tokens].every((x) => Number.isInteger(x))
  );
}

/** The haystack text with the needle in it, from a probe's cuts. */
export function haystackFromCuts(corpus: Corpus, cuts: Pick<EndpointBuild, "insert_char" | "end_char">, needle = NEEDLE): string {
  const { insert_char: insert, end_char: end } = cuts;
  if (!(0 <= insert && insert <= end && end <= corpus.text.length)) throw new RangeError(`cuts ${insert}/${end} do not fit corpus ${corpus.id}`);
  return corpus.text.slice(0, insert) + needle + corpus.text.slice(insert, end);
}

export function promptFromCuts(api: Api, corpus: Corpus, build: EndpointBuild): BuiltPrompt {
  return needlePrompt(api, haystackFromCuts(corpus, build));
}

/** The last character boundary at or before token index k (byte-level tokens can split a character). */
export function charBoundaryAtOrBefore(haystack: Haystack, k: number): number {
  let j = Math.min(k, haystack.ids.length);
  while (j > 0 && haystack.charStart[j]! < 0) j--;
  return haystack.charStart[j]!;
}

/**
 * The paper's placement on an endpoint haystack, with `adjust` extra haystack tokens (negative:
 * fewer): the verification loop moves the end cut until the endpoint counts exactly the budget,
 * and the insertion point follows the paper's rule on the adjusted length.
 */
export function endpointCuts(args: {
  haystack: Haystack;
  needleTokens: number;
  contextLength: number;
  depthPercent: number;
  bufferTokens: number;
  adjust: number;
}): { insert_char: number; end_char: number; contextTokens: number; insertionPoint: number } {
  const { haystack } = args;
  const placement = planNeedlePlacement({
    corpusTokens: haystack.ids.length,
    needleTokens: args.needleTokens - args.adjust,
    contextLength: args.contextLength,
    depthPercent: args.depthPercent,
    bufferTokens: args.bufferTokens,
    isSentenceEndAt: (index) => haystack.sentenceEnd[index] === 1,
  });
  const end = charBoundaryAtOrBefore(haystack, placement.contextTokens);
  const insert = Math.min(end, charBoundaryAtOrBefore(haystack, placement.insertionPoint));
  return { insert_char: insert, end_char: end, ...placement };
}

// ---- calibration: no tokenize route, only usage.prompt_tokens ----

export interface CalibrationSample {
  /** Tokens of the calibration prompt in the proxy tokenizer (template included). */
  proxyTokens: number;
  /** usage.prompt_tokens the endpoint reported for it. */
  reportedTokens: number;
}

export interface Calibration {
  /** Endpoint tokens per proxy token in running text. */
  ratio: number;
  /** Tokens the endpoint adds whatever the text (BOS, chat framing), from the fit. */
  intercept: number;
}

/**
 * Least-squares line reported = intercept + ratio × proxy through the samples. With one sample (or
 * all at one size) the line goes through the origin. Throws without a usable sample.
 */
export function fitCalibration(samples: readonly CalibrationSample[]): Calibration {
  const usable = samples.filter((s) => s.proxyTokens > 0 && s.reportedTokens > 0 && Number.isFinite(s.reportedTokens));
  if (!usable.length) throw new RangeError("no calibration sample with reported prompt tokens");
  const n = usable.length;
  const mx = usable.reduce((a, s) => a + s.proxyTokens, 0) / n;
  const my = usable.reduce((a, s) => a + s.reportedTokens, 0) / n;
  const sxx = usable.reduce((a, s) => a + (s.proxyTokens - mx) ** 2, 0);
  if (n < 2 || sxx === 0) return { ratio: my / mx, intercept: 0 };
  const sxy = usable.reduce((a, s) => a + (s.proxyTokens - mx) * (s.reportedTokens - my), 0);
  const ratio = sxy / sxx;
  if (!(ratio > 0)) return { ratio: my / mx, intercept: 0 };
  return { ratio, intercept: my - ratio * mx };
}

/** Proxy tokens of haystack + needle that should come to `endpointTokens` endpoint tokens. */
export function proxyBudget(endpointTokens: number, calibration: Calibration): number {
  return Math.max(1, Math.round(endpointTokens / calibration.ratio));
}

/** The endpoint tokens a proxy count stands for (rounded). */
export function endpointTokensOf(proxyTokens: number, calibration: Calibration, withIntercept = false): number {
  return Math.round((withIntercept ? calibration.intercept : 0) + calibration.ratio * proxyTokens);
}

/**
 * Cuts of a calibrated probe: the proxy tokenizer's haystack for the budget the calibration maps
 * (L − buffer) endpoint tokens to, placed by the paper's rule in proxy tokens.
 */
export function calibratedCuts(args: {
  proxy: Tokenizer;
  haystack: Haystack;
  calibration: Calibration;
  contextLength: number;
  depthPercent: number;
  bufferTokens: number;
  proxyTemplateTokens: number;
  needle?: string;
}): EndpointBuild {
  const needleTokens = args.proxy.encode(args.needle ?? NEEDLE).length;
  const budget = proxyBudget(args.contextLength - args.bufferTokens, args.calibration);
  const cuts = endpointCuts({ haystack: args.haystack, needleTokens, contextLength: budget + args.bufferTokens, depthPercent: args.depthPercent, bufferTokens: args.bufferTokens, adjust: 0 });
  const proxyConstructed = cuts.contextTokens + needleTokens;
  return {
    mode: "calibrated",
    insert_char: cuts.insert_char,
    end_char: cuts.end_char,
    constructed_tokens: endpointTokensOf(proxyConstructed, args.calibration),
    expected_prompt_tokens: endpointTokensOf(proxyConstructed + args.proxyTemplateTokens, args.calibration, true),
  };
}
