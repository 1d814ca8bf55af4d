// What a reader of a run must be told before trusting its numbers: prompts the server cut,
// lengths that are not what they claim (token counts that disagree with the run's tokenizer),
// reasoning replies that never reached an answer, and tested lengths above the window the server
// was found to take whole. Shown on the run page, in the API, the webhook, the CLI summary and as
// leaderboard badges; `?valid=only` hides runs with an invalidating warning.
import type { RunWarning } from "../contract/run";
import type { RunRow } from "../db/schema";
import type { SuiteAggregate } from "../probes/suites/suite";

/** A share of settled probes above which token mismatches make a run's lengths untrustworthy. */
export const MISMATCH_WARNING_SHARE = 0.05;

/** Warnings under which the run's lengths (hence its scores by length) are not what they claim. */
export const INVALIDATING_WARNINGS: readonly RunWarning["code"][] = ["truncated", "token_mismatch", "tokenizer_disagrees"];

type WarnedRun = Pick<RunRow, "done" | "failed" | "truncated" | "incomplete" | "tokenMismatches" | "preflight" | "model">;

const thousands = (n: number) => n.toLocaleString("en-US");

/** Lengths a run's suites test (grids' lengths, book QA's window). */
function testedLengths(suites: readonly SuiteAggregate[]): number[] {
  return [...new Set(suites.flatMap((s) => [...(s.context_lengths ?? []), ...(s.window ? [s.window] : [])]))].sort((a, b) => a - b);
}

function truncationWarning(run: WarnedRun, truncatedTo: number | null): RunWarning[] {
  if (run.truncated === 0) return [];
  const settled = run.done - run.failed;
  const to = truncatedTo === null ? "" : ` to ≈ ${thousands(truncatedTo)} tokens`;
  return [{ code: "truncated", count: run.truncated, message: `the server cut ${run.truncated} of ${settled} prompts${to}: check num_ctx / max_model_len (they are left out of the scores)` }];
}

function mismatchWarnings(run: WarnedRun): RunWarning[] {
  const warnings: RunWarning[] = [];
  const settled = Math.max(1, run.done - run.failed - run.truncated);
  if (run.tokenMismatches > MISMATCH_WARNING_SHARE * settled) {
    warnings.push({
      code: "token_mismatch",
      count: run.tokenMismatches,
      message: `${run.tokenMismatches} of ${settled} probes' reported prompt_tokens disagree with ${run.model.tokenizer} by more than 1 %: lengths are not what they claim; set the checkpoint's own tokenizer`,
    });
  }
  const agreement = run.preflight?.checks.find((c) => c.name === "tokenizer_agreement");
  if (run.preflight?.tokenizer_agrees === false && agreement) warnings.push({ code: "tokenizer_disagrees", count: null, message: `preflight: ${agreement.detail}` });
  return warnings;
}

function windowWarning(run: WarnedRun, suites: readonly SuiteAggregate[]): RunWarning[] {
  const accepts = run.preflight?.discovered_window?.accepts_up_to;
  if (accepts === undefined || accepts === null) return [];
  const above = testedLengths(suites).filter((length) => length > accepts);
  if (above.length === 0) return [];
  return [{ code: "beyond_window", count: above.length, lengths: above, message: `the server takes prompts up to ≈ ${thousands(accepts)} tokens whole (window discovery); tested lengths above it: ${above.map(thousands).join(", ")}` }];
}

export function runWarnings(run: WarnedRun, suites: readonly SuiteAggregate[], truncatedTo: number | null = null): RunWarning[] {
  const incomplete: RunWarning[] =
    run.incomplete > 0 ? [{ code: "incomplete", count: run.incomplete, message: `${run.incomplete} reasoning replies ended inside their reasoning, before an answer: raise max_output_tokens (they are left out of the scores)` }] : [];
  return [...truncationWarning(run, truncatedTo), ...mismatchWarnings(run), ...incomplete, ...windowWarning(run, suites)];
}

export const isValidRun = (warnings: readonly RunWarning[]) => !warnings.some((w) => INVALIDATING_WARNINGS.includes(w.code));
