// POST /v1/endpoints/check: what an endpoint can do, before a run.
import { z } from "zod";
import { ModelSpec } from "./model";
import { ServingFingerprint } from "./serving";

export const PreflightRequest = z.strictObject({ model: ModelSpec }).meta({ id: "PreflightRequest" });

export const PreflightReport = z
  .object({
    ok: z.boolean().meta({ description: "No blocking check failed (reachable, auth, model) and the tokenizer does not disagree." }),
    checks: z.array(
      z.object({
        name: z.string().meta({ description: "reachable, auth, model, api_completions or api_chat, window, streaming, tokenize_route, prompt_logprobs, tokenizer_agreement." }),
        ok: z.boolean().nullable().meta({ description: "null: not known (skipped, or the server did not say)." }),
        detail: z.string(),
      }),
    ),
    window: z.int().nullable().meta({ description: "The window the server says it serves, if it says." }),
    tokenizer_agrees: z.boolean().nullable().meta({ description: "Whether the run's tokenizer counts a fixed prompt as the server's usage.prompt_tokens does (a BOS and a chat template allowed for); null when unknown." }),
    serving: ServingFingerprint,
  })
  .meta({ id: "PreflightReport" });

export type PreflightRequest = z.infer<typeof PreflightRequest>;
export type PreflightReport = z.infer<typeof PreflightReport>;
