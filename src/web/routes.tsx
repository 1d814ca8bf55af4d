// The public pages (server-rendered with hono/jsx, readable without JavaScript).
import { Hono } from "hono";
import type { AppEnv } from "../api/app-types";

export const webRoutes = new Hono<AppEnv>();

webRoutes.get("/", (c) =>
  c.html(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>ctxprobe</title>
      </head>
      <body>
        <h1>ctxprobe</h1>
        <p>Long-context evaluation as a service.</p>
        <ul>
          <li>
            <a href="/v1/leaderboard">Leaderboard (JSON)</a>
          </li>
          <li>
            <a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI document</a>
          </li>
        </ul>
      </body>
    </html>,
  ),
);
