// Only used by `npm run db:generate` (drizzle-kit generate). Migrations are applied by wrangler.
import { defineConfig } from "drizzle-kit";

export default defineConfig({ dialect: "sqlite", schema: "./src/db/schema.ts", out: "./migrations" });
