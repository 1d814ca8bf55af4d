// The reference models' tokenize route, in vLLM's shape (the most common one; SGLang copies it):
//
//   POST /reference/tokenize   {"model", "prompt", "add_special_tokens"?, "return_token_strs"?}
//   → {"count", "max_model_len", "tokens": [ids], "token_strs": [vocabulary strings] | null}
//
// Like vLLM it lives at the server root, beside /reference/v1 rather than under it (vLLM serves
// /tokenize next to /v1). Tokens are cl100k_base, the tokenizer the models count usage in, and the
// strings are Hugging Face byte-level BPE vocabulary strings ("Ġ" for a space), as vLLM returns them.
// The reference models add no BOS, so add_special_tokens changes nothing.
// A model named with `+tokenize=off` (src/reference/faults.ts) behaves as a server without the
// route: 404, so ctxprobe's calibration fallback can be tested end to end.
import { Hono } from "hono";
import { z } from "zod";
import { FaultSpecError, parseFaultModel } from "./faults";
import { getReferenceModel, REFERENCE_MODELS } from "./models";
import { openAiError } from "./openai";
import { byteLevelTokenString, encodeTokens } from "./tokens";

const tokenizeRequest = z.object({
  model: z.string().min(1).optional(),
  prompt: z.string(),
  add_special_tokens: z.boolean().optional(),
  return_token_strs: z.boolean().optional(),
});

export const referenceTokenizeRoutes = new Hono();

referenceTokenizeRoutes.post("/tokenize", async (c) => {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return c.json(openAiError("We could not parse the JSON body of your request.", { param: null }), 400);
  }
  const parsed = tokenizeRequest.safeParse(json);
  if (!parsed.success) return c.json(openAiError(`Invalid tokenize request: ${parsed.error.issues[0]?.message ?? "bad body"}`, { param: String(parsed.error.issues[0]?.path[0] ?? "") }), 400);
  const body = parsed.data;
  let base = REFERENCE_MODELS[0]!.id;
  if (body.model !== undefined) {
    let model;
    try {
      model = parseFaultModel(body.model);
    } catch (error) {
      if (error instanceof FaultSpecError) return c.json(openAiError(`Invalid value for 'model': ${error.message}.`, { param: "model" }), 400);
      throw error;
    }
    if (model.plan && !model.plan.tokenizeRoute) return c.json(openAiError(`Invalid URL (POST ${new URL(c.req.url).pathname})`, { param: null }), 404);
    if (!getReferenceModel(model.base)) return c.json(openAiError(`The model \`${body.model}\` does not exist.`, { param: "model", code: "model_not_found" }), 404);
    base = model.base;
  }
  const tokens = encodeTokens(body.prompt);
  return c.json({
    count: tokens.length,
    max_model_len: getReferenceModel(base)!.context_window,
    tokens,
    token_strs: body.return_token_strs ? tokens.map(byteLevelTokenString) : null,
  });
});
