// What identifies a prompt: the exact string sent — the prompt itself (completions) or
// JSON.stringify(messages) (chat) — and its SHA-256, which every probe records and anyone can
// check against GET …/prompt.
import { sha256Hex } from "../common/hash";
import type { BuiltPrompt } from "./types";

export function promptFingerprintText(prompt: BuiltPrompt): string {
  return prompt.api === "chat" ? JSON.stringify(prompt.messages) : prompt.prompt;
}

export function promptSha256(prompt: BuiltPrompt): Promise<string> {
  return sha256Hex(promptFingerprintText(prompt));
}
