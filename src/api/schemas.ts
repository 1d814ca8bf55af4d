// Shapes of the HTTP surface itself: path parameters, paging queries and the problem document.
// The request and response bodies are the contract's (src/contract).
import { z } from "@hono/zod-openapi";

export const ProbeParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
  idx: z.coerce.number().int().min(0).openapi({ param: { name: "idx", in: "path" } }),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: "Page size (max 500)." }),
  cursor: z.string().max(200).optional().openapi({ description: "Opaque cursor from next_cursor." }),
});

export const RunIdParam = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "run_01j..." }),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string(), in: z.string().optional() })).optional(),
  })
  .openapi("Problem");
