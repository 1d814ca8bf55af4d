// The non-literal needle set with its audit (shared words, BM25 rank of each needle), computed once
// per isolate: the same figures the set's validator checks in `npm test`.
import type { NeedleSet } from "../contract/needle-sets";
import { loadBuiltinCorpus } from "../probes/corpora";
import { CHARACTER_NAMES } from "../probes/nonliteral/characters";
import { NEEDLE_SET, NEEDLE_SET_VERSION } from "../probes/nonliteral/needle-set";
import { auditNeedleSet } from "../probes/nonliteral/validate";

/** The audit's haystack: the non-literal suite's default corpus. */
export const AUDIT_CORPUS = "moby-dick";

let audited: NeedleSet | null = null;

export async function needleSets(): Promise<NeedleSet[]> {
  const corpus = await loadBuiltinCorpus(AUDIT_CORPUS);
  audited ??= {
    id: "ctxprobe-nonliteral",
    version: NEEDLE_SET_VERSION,
    audit_corpus: AUDIT_CORPUS,
    characters: [...CHARACTER_NAMES],
    pairs: auditNeedleSet(NEEDLE_SET, corpus.text).map((a) => ({ ...a, distractors: [...a.distractors] })),
  };
  return [audited];
}
