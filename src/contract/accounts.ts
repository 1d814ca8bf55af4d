// Accounts and their API tokens, as the API shows them (a token itself only in the answer that created it).
import { z } from "zod";

export const Account = z
  .object({
    id: z.string(),
    name: z.string(),
    runs_per_day: z.int().nullable().meta({ description: "This account's daily run cap; null: the service default (RUNS_PER_ACCOUNT_PER_DAY)." }),
    webhook: z
      .object({ url: z.string(), secret_set: z.literal(true), secret: z.string().optional().meta({ description: "Only in the answer that generated it." }) })
      .nullable()
      .meta({ description: "The default webhook of the account's runs (PUT /v1/account/webhook); the secret itself is never shown." }),
    created_at: z.string(),
  })
  .meta({ id: "Account" });

export const ApiToken = z
  .object({
    id: z.string(),
    account_id: z.string(),
    name: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    token: z.string().optional().meta({ description: "The token itself: only in the answer that created it, never again. Store it now." }),
  })
  .meta({ id: "ApiToken" });

export type Account = z.infer<typeof Account>;
export type ApiToken = z.infer<typeof ApiToken>;
