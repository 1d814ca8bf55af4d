// The MMLU prompt as lm-evaluation-harness's `mmlu` task writes it (Hendrycks et al. 2021's format):
//   "The following are multiple choice questions (with answers) about {subject with spaces}.\n\n"
//   + per shot "{question}\nA. …\nB. …\nC. …\nD. …\nAnswer: {letter}\n\n"
//   + "{question}\nA. …\nD. …\nAnswer:"
// Hendrycks' own code writes "about  high school geography" (two spaces: format_subject adds a
// leading one); we follow lm-evaluation-harness's single space, the form most published numbers use.
// Chat endpoints get the same text as one user message. Filled by concatenation, never replace().
import type { Api, BuiltPrompt } from "../types";
import { CHOICE_LETTERS, type McItem } from "./types";

/** The few-shot count of MMLU's standard protocol. */
export const STANDARD_SHOTS = 5;
/** `generate` mode: room for "B", " B.", "The answer is B" — short of an explanation. */
export const GENERATE_MAX_TOKENS: Record<Api, number> = { completions: 8, chat: 32 };

export function subjectTitle(subject: string): string {
  return subject.split("_").join(" ");
}

export function formatQuestion(item: McItem): string {
  let text = item.question.trim();
  item.choices.forEach((choice, i) => {
    text += "\n" + CHOICE_LETTERS[i] + ". " + choice;
  });
  return text + "\nAnswer:";
}

export function mmluText(subject: string, shots: readonly McItem[], item: McItem): string {
  let text = "The following are multiple choice questions (with answers) about " + subjectTitle(subject) + ".\n\n";
  for (const shot of shots) text += formatQuestion(shot) + " " + CHOICE_LETTERS[shot.answer] + "\n\n";
  return text + formatQuestion(item);
}

export function mmluPrompt(api: Api, subject: string, shots: readonly McItem[], item: McItem): BuiltPrompt {
  const text = mmluText(subject, shots, item);
  return api === "chat" ? { api, messages: [{ role: "user", content: text }] } : { api, prompt: text };
}
