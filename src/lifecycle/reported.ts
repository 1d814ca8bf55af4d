// Numbers reported in Fu et al. 2024 (arXiv 2402.10171 v1), Tables 3 and 4, for comparison rows on
// the leaderboard. They are clearly marked as reported and never mixed with measured rows: the
// paper's "Needle." is the mean of its heatmap metric (our `paper`) and its BookQA the paper repo's
// word recall (our `paper_recall`) on InfiniteBench En.QA; its MMLU (shots and harness not stated)
// sits beside our `mmlu.micro`.
export interface ReportedRow {
  name: string;
  contextWindow: number | null;
  needlePaper: number | null;
  bookqaPaperRecall: number | null;
  mmlu: number | null;
}

export const REPORTED_SOURCE = "Fu et al. 2024, Data Engineering for Scaling Language Models to 128K Context, Tables 3–4";

export const REPORTED_ROWS: readonly ReportedRow[] = [
  { name: "GPT-4-Turbo", contextWindow: 128_000, needlePaper: 87.1, bookqaPaperRecall: 37.4, mmlu: 86.4 },
  { name: "GPT-3.5-Turbo", contextWindow: 16_000, needlePaper: null, bookqaPaperRecall: null, mmlu: 67.3 },
  { name: "YaRN Mistral 7B", contextWindow: 128_000, needlePaper: 57.4, bookqaPaperRecall: 26.3, mmlu: 59.4 },
  { name: "Together LLaMA-2 7B 32K", contextWindow: 32_000, needlePaper: 27.9, bookqaPaperRecall: null, mmlu: 44.8 },
  { name: "LongChat v1.5 7B", contextWindow: 32_000, needlePaper: 18.0, bookqaPaperRecall: null, mmlu: 42.3 },
  { name: "LongLoRA 7B", contextWindow: 100_000, needlePaper: 70.0, bookqaPaperRecall: 24.3, mmlu: 37.9 },
  { name: "Ours LLaMA-2 7B 80K", contextWindow: 80_000, needlePaper: 88.0, bookqaPaperRecall: 27.4, mmlu: 43.3 },
  { name: "LongLoRA 13B", contextWindow: 64_000, needlePaper: 54.1, bookqaPaperRecall: 24.6, mmlu: 50.1 },
  { name: "Ours LLaMA-2 13B 64K", contextWindow: 64_000, needlePaper: 90.0, bookqaPaperRecall: 31.1, mmlu: 52.4 },
];
