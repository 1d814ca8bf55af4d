// Request bodies accepted by the reference server (OpenAI-compatible subset; unknown fields ignored).
import { z } from "zod";
import type { ChatMessage } from "../probes/types";

const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullish();
const maxTokens = z.number().int().min(1).nullish();
const temperature = z.number().min(0).max(2).nullish();
const streamOptions = z.object({ include_usage: z.boolean().nullish() }).nullish();

// How many most likely alternatives to list per token (OpenAI's legacy `logprobs` allows up to 5).
const logprobCount = z.number().int().min(0).max(5).nullish();

export const completionRequest = z
  .object({
    model: z.string().min(1),
    prompt: z.union([z.string(), z.array(z.string()).min(1)]),
    // 0 is allowed only when scoring a prompt (checked below), as OpenAI's legacy API allowed.
    max_tokens: z.number().int().min(0).nullish(),
    temperature,
    stop,
    stream: z.boolean().nullish(),
    stream_options: streamOptions,
    // Prompt log-probabilities: OpenAI's legacy echo form, and vLLM's prompt_logprobs extension.
    echo: z.boolean().nullish(),
    logprobs: logprobCount,
    prompt_logprobs: logprobCount,
  })
  .superRefine((body, ctx) => {
    const scoresPrompt = body.echo === true || body.prompt_logprobs != null;
    if (body.max_tokens === 0 && !scoresPrompt) {
      ctx.addIssue({ code: "custom", path: ["max_tokens"], message: "must be ≥ 1 unless echo or prompt_logprobs is set" });
    }
    if (scoresPrompt && body.stream === true) {
      ctx.addIssue({ code: "custom", path: ["stream"], message: "echo/prompt_logprobs are not supported with stream" });
    }
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
