// Accounts and API tokens: the admin creates accounts and tokens; any token can see whom it acts for.
// A token is shown once, in the answer that created it; only its SHA-256 is kept.
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { createAccount, createToken, removeDefaultWebhook, revokeTokenAs, setDefaultWebhook, whoAmI } from "../accounts/accounts";
import { Account, ApiToken } from "../contract/accounts";
import { WebhookSpec } from "../contract/run-request";
import { adminRequired, requireAdmin, requirePrincipal, tokenRequired, TOKEN_REQUIRED } from "../http/auth";
import { problem, problemResponse } from "../http/problem";
import { createRouter, problemResponses } from "./router";

export const accountsApi = createRouter();

const MAX_BODY_BYTES = 16 * 1024;
const smallBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => problemResponse(c, problem("body-too-large", 413, `request bodies are limited to ${MAX_BODY_BYTES} bytes`)),
});

const TokenName = z.string().trim().min(1).max(100).default("default").openapi({ description: "A label for the token.", example: "ci" });

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/accounts",
    summary: "Create an account and its first API token (admin)",
    security: TOKEN_REQUIRED,
    middleware: [adminRequired, smallBody] as const,
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
    return c.json(created, 201);
  },
);

const AccountIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "acc_..." }) });

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/v1/accounts/{id}/tokens",
    summary: "Create another API token for an account (admin)",
    security: TOKEN_REQUIRED,
    middleware: [adminRequired, smallBody] as const,
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
    return c.json(await createToken(c.env, id, name), 201);
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/v1/tokens/{id}",
    summary: "Revoke an API token (admin, or the token's own account)",
    description: "A revoked token is refused with 401 from then on. Revoking twice keeps the first revocation time.",
    security: TOKEN_REQUIRED,
    middleware: [tokenRequired] as const,
    request: { params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "tok_..." }) }) },
    responses: {
      200: { description: "The revoked token", content: { "application/json": { schema: ApiToken } } },
      ...problemResponses(401, 404),
    },
  }),
  async (c) => c.json(await revokeTokenAs(c.env, requirePrincipal(c), c.req.valid("param").id), 200),
);

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/v1/account",
    summary: "The account this token acts for, with its daily run usage",
    security: TOKEN_REQUIRED,
    middleware: [tokenRequired] as const,
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
  async (c) => c.json(await whoAmI(c.env, requirePrincipal(c)), 200),
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
  async (c) => c.json(await setDefaultWebhook(c.env, requirePrincipal(c), c.req.valid("json")), 200),
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
  async (c) => c.json(await removeDefaultWebhook(c.env, requirePrincipal(c)), 200),
);
