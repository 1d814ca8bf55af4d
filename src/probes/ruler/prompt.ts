// A RULER prompt as sent: the task template with its context and, at its end, the answer prefix.
// Completions get the text as the prompt (RULER's "base" template). Chat gets it as the one user
// message: RULER's chat templates for local models put the prefix after the assistant tag (a
// prefill), which an OpenAI-compatible chat API cannot be relied on to accept, so we do as RULER's
// own OpenAI client does — the prefix ends the user message (call_api.py: input + answer_prefix).
import type { Api, BuiltPrompt } from "../types";

export function rulerPrompt(api: Api, text: string): BuiltPrompt {
  return api === "chat" ? { api, messages: [{ role: "user", content: text }] } : { api, prompt: text };
}
