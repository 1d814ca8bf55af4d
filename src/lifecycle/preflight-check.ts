// The preflight as the API asks for it: the URL through the SSRF guard first (a refusal names
// /model/base_url and sends nothing), then every check through the guarded transport.
import { DomainError } from "../common/errors";
import { outboundGuard } from "../config";
import type { ModelSpec } from "../contract/model";
import type { PreflightReport } from "../contract/preflight";
import { guardedFetcher } from "../security/resolved";
import { preflightEndpoint } from "./preflight";

export async function checkEndpoint(env: Env, model: ModelSpec): Promise<PreflightReport> {
  const guard = outboundGuard(env);
  const verdict = await guard.check(model.base_url);
  if (!verdict.ok) {
    throw new DomainError("invalid", "endpoint-rejected-url", `base_url is not allowed: ${verdict.reason}`, { fields: [{ pointer: "/model/base_url", detail: verdict.reason, in: "body" }] });
  }
  return preflightEndpoint(model, guardedFetcher((request: Request) => fetch(request), guard), model.api_key ?? null);
}
