// Small text formatters shared by the pages (no Intl: output must not depend on the runtime's locale data).

/** Token counts as the paper's axes write them: 1000 → "1K", 128000 → "128K", 500 → "500". */
export function formatK(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  const k = tokens / 1000;
  return `${Number.isInteger(k) || k >= 10 ? Math.round(k) : k.toFixed(1)}K`;
}

/** 1234567 → "1,234,567". */
export function formatInt(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A 0–100 mean score with one decimal, or an em dash when nothing was scored. */
export function formatScore(score: number | null | undefined): string {
  return typeof score === "number" ? score.toFixed(1) : "—";
}

/** A 0–1 probe score with two decimals. */
export function formatUnitScore(score: number | null | undefined): string {
  return typeof score === "number" ? score.toFixed(2) : "—";
}

/** Epoch ms → "2026-07-02 14:03 UTC" (without the zone where a header already says UTC). */
export function formatDate(ms: number | null, zone = true): string {
  if (ms === null) return "—";
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ") + (zone ? " UTC" : "");
}

export const isoDate = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
