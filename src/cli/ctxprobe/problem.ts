// Rendering of RFC 9457 problem documents: the detail, then one line per invalid field.
import type { z } from "@hono/zod-openapi";
import type { ProblemSchema } from "../../api/schemas";

export type ProblemBody = Partial<z.infer<typeof ProblemSchema>> & { status: number; detail: string };

/**
 * e.g.
 *   error 422 (validation-failed): 2 fields are invalid; see errors[]
 *     /model/base_url: Invalid URL
 *     /suites/0/context_lengths/3: longer than the context window
 */
export function renderProblem(problem: ProblemBody): string {
  const slug = problem.type?.split("/").pop();
  const head = `error ${problem.status}${slug && slug !== "about:blank" ? ` (${slug})` : ""}: ${problem.detail || problem.title || "request failed"}`;
  const fields = (problem.errors ?? []).map((e) => `${e.pointer}: ${e.detail}`);
  // A single invalid field is usually the detail itself; do not say it twice.
  const extra = fields.length === 1 && fields[0] === problem.detail ? [] : fields.map((f) => `  ${f}`);
  return [head, ...extra].join("\n");
}
