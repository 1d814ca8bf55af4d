// The serving fingerprint: what an endpoint says about itself (src/lifecycle/endpoint/fingerprint.ts).
import { z } from "zod";

/** What a run's endpoint said about itself before its first call (src/lifecycle/endpoint/fingerprint.ts). */
export const ServingFingerprint = z
  .object({
    engine: z.string().nullable().meta({ description: "vllm, tgi, llama.cpp, ollama, sglang or ctxprobe-reference; null when the server did not say." }),
    version: z.string().nullable(),
    model_id: z.string().nullable().meta({ description: "The served model as the server lists it." }),
    max_model_len: z.int().nullable().meta({ description: "The window the server says it serves (vLLM max_model_len, TGI max_input_tokens, llama.cpp n_ctx)." }),
    server: z.string().nullable().meta({ description: "The HTTP server header of its /models answer." }),
  })
  .meta({ id: "ServingFingerprint" });
export type ServingFingerprint = z.infer<typeof ServingFingerprint>;
