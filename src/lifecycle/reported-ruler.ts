// RULER's published results (NVIDIA/RULER README, main table: 13 tasks, qa_1 and qa_2 included, 500
// samples per task and length) for a few well-known models, as leaderboard rows marked `reported`
// beside the paper's. Never mixed with measured rows: a run here averages the tasks it ran (by
// default the 11 synthetic ones), so the two averages compare only roughly.
import type { LeaderboardRow } from "../contract/leaderboard";
import { reportedRow } from "./reported-row";

export const REPORTED_RULER_SOURCE = "Hsieh et al. 2024, RULER (NVIDIA/RULER README table: 13 tasks incl. qa_1/qa_2, 500 samples per task and length)";

export interface ReportedRulerRow {
  name: string;
  claimedLength: number;
  /** Average at 4K, 8K, 16K, 32K, 64K, 128K. */
  byLength: readonly (number | null)[];
  average: number;
  /** RULER's effective length (its table's ">128K" as 131072; "<4K" as null). */
  effectiveLength: number | null;
}

export const REPORTED_RULER_ROWS: readonly ReportedRulerRow[] = [
  { name: "Gemini-1.5-pro", claimedLength: 1_000_000, byLength: [96.7, 95.8, 96.0, 95.9, 95.9, 94.4], average: 95.8, effectiveLength: 131072 },
  { name: "GPT-4-1106-preview", claimedLength: 128_000, byLength: [96.6, 96.3, 95.2, 93.2, 87.0, 81.2], average: 91.6, effectiveLength: 65536 },
  { name: "Llama-3.1-70B-Instruct", claimedLength: 128_000, byLength: [96.5, 95.8, 95.4, 94.8, 88.4, 66.6], average: 89.6, effectiveLength: 65536 },
  { name: "Llama-3.1-8B-Instruct", claimedLength: 128_000, byLength: [95.5, 93.8, 91.6, 87.4, 84.7, 77.0], average: 88.3, effectiveLength: 32768 },
  { name: "Qwen2-72B-Instruct", claimedLength: 128_000, byLength: [96.9, 96.1, 94.9, 94.1, 79.8, 53.7], average: 85.9, effectiveLength: 32768 },
  { name: "Command-R (35B)", claimedLength: 128_000, byLength: [93.8, 93.3, 92.4, 89.5, 84.9, 76.0], average: 88.3, effectiveLength: 32768 },
  { name: "Yi-34B-200K", claimedLength: 200_000, byLength: [93.3, 92.2, 91.3, 87.5, 83.2, 77.3], average: 87.5, effectiveLength: 32768 },
  { name: "Phi-3-mini-128K-instruct", claimedLength: 128_000, byLength: [92.2, 91.5, 90.7, 87.5, 80.6, 66.7], average: 84.8, effectiveLength: 32768 },
  { name: "Mixtral-8x7B-instruct-v0.1", claimedLength: 32_000, byLength: [94.9, 92.1, 92.5, 85.9, 72.4, 44.5], average: 80.4, effectiveLength: 32768 },
  { name: "Mistral-7B-instruct-v0.2", claimedLength: 32_000, byLength: [93.6, 91.2, 87.2, 75.4, 49.0, 13.8], average: 68.4, effectiveLength: 16384 },
  { name: "LWM-Text-Chat-1M (7B)", claimedLength: 1_000_000, byLength: [82.3, 78.4, 73.7, 69.1, 68.1, 65.0], average: 72.8, effectiveLength: null },
  { name: "Together Llama-2-7B-32K-instruct", claimedLength: 32_000, byLength: [88.2, 81.1, 69.4, 63.0, 0.0, 0.0], average: 50.3, effectiveLength: 4096 },
  { name: "LongChat-7B-v1.5-32K", claimedLength: 32_000, byLength: [84.7, 79.9, 70.8, 59.3, 0.0, 0.0], average: 49.1, effectiveLength: null },
  { name: "Llama-2-7B-chat (the 85.6 bar)", claimedLength: 4_000, byLength: [85.6, null, null, null, null, null], average: 85.6, effectiveLength: 4096 },
];

export const REPORTED_RULER_LENGTHS: readonly number[] = [4096, 8192, 16384, 32768, 65536, 131072];

export function rulerReportedRow(r: ReportedRulerRow): LeaderboardRow {
  const byLength = Object.fromEntries(REPORTED_RULER_LENGTHS.flatMap((l, i) => (r.byLength[i] === null || r.byLength[i] === undefined ? [] : [[`ruler@${l}`, r.byLength[i]!]])));
  return reportedRow({ name: r.name, context_window: r.claimedLength }, REPORTED_RULER_SOURCE, { ruler: { ruler: r.average, ...byLength } }, { ruler_effective_context_length: r.effectiveLength });
}
