// reference_answer — the in-process reference models answering a ~128K-token needle prompt
// (moved here from test/unit/reference/models.test.ts).
import { completeText } from "../../reference/models";
import { countTextTokens } from "../../reference/tokens";
// The reference tests' own fixture, so the prompt is the one they check fits the window.
import { corpusText, insertNeedle, needleCompletionPrompt } from "../../../test/unit/reference/haystack";
import { elapsedMs, median, round } from "./stats";

export async function referenceAnswer(runs = 3) {
  console.error(`reference_answer: extractive-128k and extractive-4k on a ~128K-token prompt (${runs}× each)…`);
  const prompt = needleCompletionPrompt(insertNeedle(corpusText("sotu", 650_000), 50));
  const promptTokens = countTextTokens(prompt);
  return ["extractive-128k", "extractive-4k"].map((model) => {
    const timings = Array.from({ length: runs }, () => elapsedMs(() => completeText(model, prompt, { max_tokens: 100 })));
    return { model, prompt_tokens: promptTokens, prompt_chars: prompt.length, ms_p50: round(median(timings), 0), ms: timings.map((ms) => round(ms, 0)), runs };
  });
}
