// POST /v1/endpoints/check: what an endpoint can do, before a run.
import { z } from "zod";
import { ModelSpec } from "./model";
import { ServingFingerprint } from "./serving";

/** What `"discover_window": true` found: the longest prompt the server takes without cutting it. */
export const DiscoveredWindow = z
  .object({
    accepts_up_to: z.int().nullable().meta({ description: "Longest prompt (tokens, the run's tokenizer) the server took whole; null when even the shortest try was cut or refused." }),
    first_failure: z.int().nullable().meta({ description: "Shortest prompt tried that was cut or refused; null when every try up to the claimed window was taken whole." }),
    failure: z.enum(["cut", "refused"]).nullable(),
    calls: z.int(),
    detail: z.string(),
  })
  .meta({ id: "DiscoveredWindow" });
export type DiscoveredWindow = z.infer<typeof DiscoveredWindow>;

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
    token_ratio: z.number().nullable().meta({
      description:
        "Server tokens per local token, from two fixed prompts (their difference cancels a BOS and a chat template); null when the server reports no usage.",
    }),
    discovered_window: DiscoveredWindow.nullable().meta({ description: "With model.discover_window: the longest prompt the server takes without cutting it." }),
    serving: ServingFingerprint,
  })
  .meta({ id: "PreflightReport" });

export type PreflightRequest = z.infer<typeof PreflightRequest>;
export type PreflightReport = z.infer<typeof PreflightReport>;

/**
 * The preflight a run takes before its first call, kept on the run: the blocking checks, the
 * served window, tokenizer agreement, and the ratio the truncation rule measures against.
 */
export const RunPreflight = z
  .object({
    checked_at: z.int(),
    checks: PreflightReport.shape.checks,
    window: z.int().nullable(),
    tokenizer_agrees: z.boolean().nullable(),
    token_ratio: PreflightReport.shape.token_ratio,
    discovered_window: PreflightReport.shape.discovered_window,
  })
  .meta({ id: "RunPreflight" });
export type RunPreflight = z.infer<typeof RunPreflight>;
