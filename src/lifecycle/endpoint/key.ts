// Which endpoint a run calls: its normalized base_url plus the served model name. Hosted APIs
// rate-limit per model, and the pair is what a run calls; per-isolate memos and the endpoint's
// limiter are keyed by it.

/** `scheme://host[:port]/path#model`, without trailing slashes, lower-cased where URLs are case-insensitive. */
export function endpointKey(baseUrl: string, model: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}#${model}`;
}
