// Accounts and API tokens: the admin creates accounts and tokens; any token can see whom it acts for.
// A token is shown once, in the answer that created it; only its SHA-256 is kept.
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { AccountRow, ApiTokenRow } from "../db/schema";
import { accountWebhookSecretContext, createAccount, createToken, getAccount, getToken, revokeToken, setAccountWebhook } from "../accounts/accounts";
import { envFlag } from "../config";
import { generateWebhookSecret } from "../security/webhook-secret";
import { checkOutboundUrl } from "../security/ssrf";
import { sealSecret, SecretsConfigError } from "../security/secrets";
import { Account, ApiToken } from "../contract/accounts";
import { WebhookSpec } from "../contract/run-request";
import { dailyRunUsage } from "../accounts/caps";
import { createRouter, problemResponses } from "../http/app-env";
import { requireAdmin, requirePrincipal, tokenRequired, TOKEN_REQUIRED } from "../http/auth";
import { problem, ProblemError, problemResponse } from "../http/problem";

export const accountsApi = createRouter();

const MAX_BODY_BYTES = 16 * 1024;
const smallBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => problemResponse(c, problem("body-too-large", 413, `request bodies are limited to ${MAX_BODY_BYTES} bytes`)),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const accountResource = (a: AccountRow): z.infer<typeof Account> => ({
  id: a.id,
  name: a.name,
  runs_per_day: a.runsPerDay,
  webhook: a.webhookUrl ? { url: a.webhookUrl, secret_set: true } : null,
  created_at: iso(a.createdAt)!,
});
const tokenResource = (t: ApiTokenRow, token?: string): z.infer<typeof ApiToken> => ({
  id: t.id,
  account_id: t.accountId,
  name: t.name,
  created_at: iso(t.createdAt)!,
  last_used_at: iso(t.lastUsedAt),
  revoked_at: iso(t.revokedAt),
  ...(token ? { token } : {}),
});

const TokenName = z.string().trim().min(1).max(100).default("default").openapi({ description: "A label for the token.", example: "ci" });

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/accounts",
    summary: "Create an account and its first API token (admin)",
    security: TOKEN_REQUIRED,
    middleware: [smallBody] as const,
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .strictObject({
                name: z.string().trim().min(1).max(100).openapi({ example: "acme-research" }),
                runs_per_day: z.int().min(0).max(1_000_000).optional().openapi({ description: "Overrides the service's daily run cap for this account." }),
                token_name: TokenName,
              })
              .openapi("CreateAccountRequest"),
          },
        },
        required: true,
      },
    },
    responses: {
      201: {
        description: "The account and its first token (shown only here)",
        content: { "application/json": { schema: z.object({ account: Account, token: ApiToken }).openapi("CreatedAccount") } },
      },
      ...problemResponses(401, 403, 413, 422),
    },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid("json");
    const created = await createAccount(c.env, body.name, body.runs_per_day ?? null, body.token_name);
    c.header("Location", `/v1/accounts/${created.account.id}`);
    return c.json({ account: accountResource(created.account), token: tokenResource(created.tokenRow, created.token) }, 201);
  },
);

const AccountIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "acc_..." }) });

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/accounts/{id}/tokens",
    summary: "Create another API token for an account (admin)",
    security: TOKEN_REQUIRED,
    middleware: [smallBody] as const,
    request: {
      params: AccountIdParam,
      body: { content: { "application/json": { schema: z.strictObject({ name: TokenName }).openapi("CreateTokenRequest") } }, required: false },
    },
    responses: {
      201: { description: "The token (shown only here)", content: { "application/json": { schema: ApiToken } } },
      ...problemResponses(401, 403, 404, 413, 422),
    },
  }),
  async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid("param");
    // The body is optional: without one the token is named "default".
    const name = (c.req.valid("json") as { name?: string } | undefined)?.name ?? "default";
    const created = await createToken(c.env, id, name);
    if (!created) throw new ProblemError(problem("not-found", 404, `no account with id ${id}`));
    return c.json(tokenResource(created.tokenRow, created.token), 201);
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/v1/tokens/{id}",
    summary: "Revoke an API token (admin, or the token's own account)",
    description: "A revoked token is refused with 401 from then on. Revoking twice keeps the first revocation time.",
    security: TOKEN_REQUIRED,
    request: { params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "tok_..." }) }) },
    responses: {
      200: { description: "The revoked token", content: { "application/json": { schema: ApiToken } } },
      ...problemResponses(401, 404),
    },
  }),
  async (c) => {
    const principal = requirePrincipal(c);
    const { id } = c.req.valid("param");
    const existing = await getToken(c.env, id);
    // Another account's token is reported missing, so token ids cannot be probed.
    if (!existing || !(principal.admin || existing.accountId === principal.accountId)) throw new ProblemError(problem("not-found", 404, `no token with id ${id}`));
    const revoked = (await revokeToken(c.env, id))!;
    return c.json(tokenResource(revoked), 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/account",
    summary: "The account this token acts for, with its daily run usage",
    security: TOKEN_REQUIRED,
    responses: {
      200: {
        description: "Who you are",
        content: {
          "application/json": {
            schema: z
              .object({
                account: Account,
                admin: z.boolean().openapi({ description: "True for the admin token: it may act for any account." }),
                token_id: z.string().nullable().openapi({ description: "Null for the admin token." }),
                runs_last_24h: z.int(),
                runs_per_day: z.int().nullable().openapi({ description: "The cap in force; null: not capped." }),
              })
              .openapi("WhoAmI"),
          },
        },
      },
      ...problemResponses(401),
    },
  }),
  async (c) => {
    const principal = requirePrincipal(c);
    const account = await getAccount(c.env, principal.accountId);
    if (!account) throw new ProblemError(problem("not-found", 404, `account ${principal.accountId} no longer exists`));
    const usage = await dailyRunUsage(c.env, account.id);
    return c.json({ account: accountResource(account), admin: principal.admin, token_id: principal.tokenId, runs_last_24h: usage.used, runs_per_day: usage.limit }, 200);
  },
);

// The account's default webhook: runs submitted without a `webhook` use it (`"webhook": null` opts out).
accountsApi.openapi(
  createRoute({
    method: "put",
    path: "/v1/account/webhook",
    summary: "Set the default webhook of the token's account",
    description:
      "Runs of this account submitted without a `webhook` get this one (its secret is re-sealed for each run). " +
      "The URL passes the same SSRF guard as base_url. Omit the secret and one is generated, returned once in this answer.",
    security: TOKEN_REQUIRED,
    middleware: [tokenRequired, smallBody] as const,
    request: { body: { content: { "application/json": { schema: WebhookSpec } }, required: true } },
    responses: {
      200: { description: "The account with its default webhook", content: { "application/json": { schema: Account } } },
      ...problemResponses(401, 404, 413, 422, 503),
    },
  }),
  async (c) => {
    const principal = requirePrincipal(c);
    const spec = c.req.valid("json");
    const verdict = checkOutboundUrl(spec.url, { allowLoopback: envFlag(c.env.ALLOW_LOOPBACK_ENDPOINTS) });
    if (!verdict.ok) {
      throw new ProblemError(problem("validation-failed", 422, `/url: ${verdict.reason}`, { errors: [{ pointer: "/url", detail: verdict.reason, in: "body" }] }));
    }
    const generated = spec.secret === undefined ? generateWebhookSecret() : undefined;
    let secretSealed: string;
    try {
      secretSealed = await sealSecret(c.env.SECRETS_KEYS, spec.secret ?? generated!, accountWebhookSecretContext(principal.accountId));
    } catch (error) {
      if (!(error instanceof SecretsConfigError)) throw error;
      throw new ProblemError(problem("secrets-unavailable", 503, "webhook secrets cannot be stored: the service has no SECRETS_KEYS key ring configured"));
    }
    const account = await setAccountWebhook(c.env, principal.accountId, { url: spec.url, secretSealed });
    if (!account) throw new ProblemError(problem("not-found", 404, `account ${principal.accountId} no longer exists`));
    const resource = accountResource(account);
    if (generated && resource.webhook) resource.webhook = { ...resource.webhook, secret: generated };
    return c.json(resource, 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/v1/account/webhook",
    summary: "Remove the default webhook of the token's account",
    description: "Runs already submitted keep the webhook they were given.",
    security: TOKEN_REQUIRED,
    middleware: [tokenRequired] as const,
    responses: {
      200: { description: "The account without a default webhook", content: { "application/json": { schema: Account } } },
      ...problemResponses(401, 404),
    },
  }),
  async (c) => {
    const principal = requirePrincipal(c);
    const account = await setAccountWebhook(c.env, principal.accountId, null);
    if (!account) throw new ProblemError(problem("not-found", 404, `account ${principal.accountId} no longer exists`));
    return c.json(accountResource(account), 200);
  },
);
