// Request bodies accepted by the reference server (OpenAI-compatible subset; unknown fields ignored).
import { z } from "zod";
import type { ChatMessage } from "../probes/types";

const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullish();
const maxTokens = z.number().int().min(1).nullish();
const temperature = z.number().min(0).max(2).nullish();
const streamOptions = z.object({ include_usage: z.boolean().nullish() }).nullish();

export const completionRequest = z.object({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
  max_tokens: maxTokens,
  temperature,
  stop,
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
});

const textPart = z.object({ type: z.literal("text"), text: z.string() });

const chatMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
});

export const chatCompletionRequest = z.object({
  model: z.string().min(1),
  messages: z.array(chatMessage).min(1),
  max_tokens: maxTokens,
  // Newer name of max_tokens in OpenAI's chat API; wins when both are given.
  max_completion_tokens: maxTokens,
  temperature,
  stop,
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
});

export type CompletionRequest = z.infer<typeof completionRequest>;
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** Wire messages as the shared ChatMessage: "developer" is the newer name of "system", parts are joined. */
export function toChatMessages(messages: ChatCompletionRequest["messages"]): ChatMessage[] {
  return messages.map(({ role, content }) => ({
    role: role === "developer" ? "system" : role,
    content: typeof content === "string" ? content : (content ?? []).map((part) => part.text).join(""),
  }));
}

/** One-line OpenAI-style description of the first validation problem. */
export function describeIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  if (!issue) return { message: "Invalid request body.", param: null };
  const param = issue.path.length ? formatPath(issue.path) : null;
  return { message: param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param };
}

// OpenAI names nested parameters like "messages[0].content".
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i ? "." : ""}${String(key)}`))
    .join("");
}
