// What a client submits to start a run (POST /v1/runs): the model, its suites (each suite's own
// spec schema, src/probes/suites), visibility, its place in a checkpoint series, and a webhook.
import { z } from "zod";
import { SuiteSpec } from "../probes/suites";
import { parseWebhookSecret } from "../security/webhook-secret";
import { ModelSpec } from "./model";

export { SuiteSpec };

export const WebhookSpec = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).max(2048).meta({
      description: "Receives run.succeeded, run.failed and run.cancelled (and test pings), signed per Standard Webhooks. Checked like base_url: no private or loopback addresses in production.",
      example: "https://hooks.example.com/ctxprobe",
    }),
    secret: z
      .string()
      .max(200)
      .superRefine((secret, ctx) => {
        const parsed = parseWebhookSecret(secret);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason });
      })
      .optional()
      .meta({
        description:
          "Standard Webhooks signing secret: `whsec_` + base64 of 24–64 random bytes. Write-only: never returned. " +
          "Omit it and the service generates one, returned once in the 202 answer (`webhook.secret`) and never again.",
        writeOnly: true,
        example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      }),
  })
  .meta({ id: "WebhookSpec" });
export type WebhookSpec = z.infer<typeof WebhookSpec>;

export const CreateRunRequest = z
  .strictObject({
    model: ModelSpec,
    suites: z.array(SuiteSpec).min(1).max(16),
    public: z.boolean().default(true).meta({ description: "Public runs appear on the leaderboard." }),
    series: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, "letters, digits and . _ @ - only")
      .optional()
      .meta({ description: "Checkpoint series this run belongs to; GET /v1/series/{name} shows its trend.", example: "llama2-7b-80k" }),
    step: z.int().min(0).optional().meta({ description: "Training step of the checkpoint within its series." }),
    tokens_trained: z.int().min(0).optional().meta({ description: "Training tokens seen by the checkpoint (an alternative to step)." }),
    webhook: WebhookSpec.nullable()
      .optional()
      .meta({ description: "Where to send this run's events. Omitted: the account's default webhook, if it has one (PUT /v1/account/webhook); null: none." }),
  })
  .superRefine((run, ctx) => {
    if ((run.step !== undefined || run.tokens_trained !== undefined) && run.series === undefined) {
      ctx.addIssue({ code: "custom", path: ["series"], message: "step and tokens_trained need a series" });
    }
  })
  .meta({ id: "CreateRunRequest" });
export type CreateRunRequest = z.infer<typeof CreateRunRequest>;
