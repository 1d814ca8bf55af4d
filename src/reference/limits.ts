// The reference models answer anyone (they are an upstream endpoint, not our API), so what they
// read is capped: a 128K-token prompt is about 0.5–1 MB of JSON, and nothing larger is taken.
import { bodyLimit } from "hono/body-limit";
import { openAiError } from "./openai";

export const MAX_REFERENCE_BODY_BYTES = 4 * 1024 * 1024;

export const referenceBodyLimit = bodyLimit({
  maxSize: MAX_REFERENCE_BODY_BYTES,
  onError: (c) => c.json(openAiError(`request bodies are limited to ${MAX_REFERENCE_BODY_BYTES} bytes`, { code: "request_too_large" }), 413),
});
