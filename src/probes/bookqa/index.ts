// Long-book QA probe (InfiniteBench En.QA / En.MC as run by Fu et al. 2024): prompts, truncation,
// scorers, and the built-in Moby-Dick fake-book dataset.
export * from "./types";
export { infiniteBenchChoice, infiniteBenchQaF1, normalizeAnswer, paperRecall, processChoice, scoreBookQa, tokenF1 } from "./score";
export {
  assembleBookQaPrompt,
  bookQaContext,
  bookQaMaxTokens,
  bookQaPromptParts,
  buildBookQaPrompt,
  CHAT_MAX_TOKENS,
  CHAT_SYSTEM_MESSAGE,
  COMPLETION_MAX_TOKENS,
  type BookQaPromptOptions,
  type BookQaPromptParts,
} from "./prompt";
export {
  buildTruncatedBookQaPrompt,
  CHAT_TEMPLATE_OVERHEAD_TOKENS,
  evidenceInPrompt,
  middleTruncate,
  truncateBookQaPrompt,
  WindowTooSmallError,
  type TruncatedPrompt,
} from "./truncate";
export { ENTITY_RENAMES, EntitySubstitution, mobyDickSubstitution, type EntityKind, type EntityRename } from "./substitute";
export { BUILTIN_BOOKQA_ID, loadBuiltinBookQa, originalBuiltinExamples } from "./builtin";
export { mobyDickOriginalText } from "./book";
