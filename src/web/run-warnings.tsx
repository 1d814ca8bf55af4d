// A run's warnings, shown above its numbers: prompts the server cut, lengths that are not what
// they claim, reasoning replies without an answer, lengths above a discovered window.
import type { FC } from "hono/jsx";
import type { RunWarning } from "../contract/run";

const TITLES: Record<RunWarning["code"], string> = {
  truncated: "Prompts cut by the server",
  token_mismatch: "Token counts disagree",
  tokenizer_disagrees: "Tokenizer is not the model's",
  incomplete: "Reasoning without an answer",
  beyond_window: "Lengths above the server's window",
};

export const RunWarnings: FC<{ warnings: readonly RunWarning[] }> = ({ warnings }) =>
  warnings.length === 0 ? null : (
    <ul class="warnings" id="run-warnings" aria-label="Warnings">
      {warnings.map((w) => (
        <li class="warning" data-warning={w.code}>
          <strong>{TITLES[w.code]}:</strong> {w.message}
        </li>
      ))}
    </ul>
  );

/** Short labels for the leaderboard's badges. */
export const WARNING_BADGES: Record<RunWarning["code"], string> = {
  truncated: "truncated",
  token_mismatch: "token mismatch",
  tokenizer_disagrees: "tokenizer",
  incomplete: "incomplete",
  beyond_window: "beyond window",
};

export const WarningBadges: FC<{ codes: readonly RunWarning["code"][] }> = ({ codes }) => (
  <>
    {codes.map((code) => (
      <span class="badge warn" data-warning={code} title={TITLES[code]}>
        {WARNING_BADGES[code]}
      </span>
    ))}
  </>
);
