// Needle-in-a-haystack probe (paper protocol §1): grid, haystack construction, prompts, scoring.
export {
  NEEDLE,
  RETRIEVAL_QUESTION,
  FINAL_CONTEXT_LENGTH_BUFFER,
  MAX_TOKENS,
  TEMPLATE_TOKENS,
  buildNeedleProbe,
  buildNeedleHaystack,
  countPromptTokens,
  estimateNeedlePromptTokens,
  needlePrompt,
  prepareNeedleProbes,
  type NeedleHaystack,
  type NeedleProbe,
  type NeedleSpec,
} from "./build";
export {
  GridError,
  KAMRADT_CONTEXT_LENGTHS,
  KAMRADT_DEPTH_PERCENTS,
  MIN_CONTEXT_LENGTH,
  NEEDLE_GRID_PRESETS,
  PAPER_CONTEXT_LENGTHS,
  PAPER_DEPTH_PERCENTS,
  QUICK_DEPTH_PERCENTS,
  linspaceRounded,
  quickContextLengths,
  resolveNeedleGrid,
  roundHalfToEven,
  type NeedleGrid,
  type NeedleGridPreset,
  type NeedleGridRequest,
} from "./grid";
export {
  NeedlePlacementError,
  clearHaystackCache,
  getHaystack,
  haystackText,
  isHaystackCached,
  isSentenceEndToken,
  planNeedlePlacement,
  type Haystack,
  type NeedlePlacement,
} from "./haystack";
export { naiveBuildNeedleHaystack, type NaiveNeedleHaystack, type NaiveNeedleOptions } from "./naive";
export { EXPECTED_ANSWER, NEEDLE_METRICS, paperScore, rouge1F, rougeTokens, scoreNeedle, type NeedleMetric, type NeedleScores } from "./score";
export { porterStem } from "./porter";
export { CHAT_QUESTION_SUFFIX, CHAT_SYSTEM_PROMPT, COMPLETIONS_TEMPLATE, chatMessages, completionsPrompt } from "./templates";
