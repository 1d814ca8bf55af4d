// What the server says about itself, asked once per run before its first call: the OpenAI
// `/models` list (vLLM adds `max_model_len`), vLLM's `/version`, TGI's `/info`, llama.cpp's
// `/props`, Ollama's `/api/version`, SGLang's `/get_server_info`, and the `server` header. Two runs
// of one checkpoint on different engines (or versions) are then told apart. Every read is bounded
// and short; a server that answers none of them still gets a fingerprint (all null).
import { readBoundedText } from "./bounded-body";
import { endpointHeaders, untilAborted, type EndpointTarget, type Fetcher } from "./client";
import type { ServingFingerprint } from "../../contract/run";

export type { ServingFingerprint };

const PROBE_TIMEOUT_MS = 3000;
const MAX_INFO_BYTES = 64 * 1024;

type Json = Record<string, unknown>;
const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);
const str = (x: unknown) => (typeof x === "string" && x.length <= 200 ? x : null);

async function getJson(url: string, target: EndpointTarget, fetcher: Fetcher): Promise<{ json: Json | null; server: string | null }> {
  try {
    const request = new Request(url, { headers: endpointHeaders(target.apiKey, "application/json", false), redirect: "manual", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const response = await untilAborted(fetcher(request), request.signal);
    const server = str(response.headers.get("server"));
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { json: null, server };
    }
    const read = await readBoundedText(response, MAX_INFO_BYTES);
    const parsed: unknown = read.kind === "text" ? JSON.parse(read.text) : null;
    return { json: parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Json) : null, server };
  } catch {
    return { json: null, server: null };
  }
}

function fromModels(models: Json | null, model: string): Partial<ServingFingerprint> {
  const list = Array.isArray(models?.data) ? (models!.data as Json[]) : [];
  const entry = list.find((m) => m.id === model) ?? list[0];
  if (!entry) return {};
  const owner = str(entry.owned_by);
  return {
    model_id: str(entry.id),
    max_model_len: num(entry.max_model_len) ?? num(entry.context_window),
    engine: owner === "vllm" ? "vllm" : owner === "ctxprobe" ? "ctxprobe-reference" : null,
  };
}

/**
 * Each engine's own info route, as [url suffix, what its answer tells], most specific first: SGLang
 * also answers /version, so its /get_server_info is asked before vLLM's /version.
 */
const ENGINE_ROUTES: [string, (j: Json) => Partial<ServingFingerprint> | null][] = [
  ["/get_server_info", (j) => (str(j.version) ? { engine: "sglang", version: str(j.version) } : null)],
  ["/info", (j) => (str(j.model_id) ? { engine: "tgi", version: str(j.version), model_id: str(j.model_id), max_model_len: num(j.max_input_tokens) ?? num(j.max_input_length) } : null)],
  ["/props", (j) => (j.default_generation_settings && typeof j.default_generation_settings === "object" ? { engine: "llama.cpp", version: str(j.build_info), max_model_len: num((j.default_generation_settings as Json).n_ctx) } : null)],
  ["/api/version", (j) => (str(j.version) ? { engine: "ollama", version: str(j.version) } : null)],
  ["/version", (j) => (str(j.version) ? { engine: "vllm", version: str(j.version) } : null)],
];

export async function fingerprintEndpoint(target: EndpointTarget, fetcher: Fetcher): Promise<ServingFingerprint> {
  const base = target.baseUrl.replace(/\/+$/, "");
  const root = base.replace(/\/v1$/, "");
  const [models, ...engines] = await Promise.all([getJson(`${base}/models`, target, fetcher), ...ENGINE_ROUTES.map(([path]) => getJson(`${root}${path}`, target, fetcher))]);
  const listed = fromModels(models.json, target.model);
  const told = engines.map((answer, i) => (answer.json ? ENGINE_ROUTES[i]![1](answer.json) : null)).find((t) => t !== null) ?? {};
  return {
    engine: told.engine ?? listed.engine ?? null,
    version: told.version ?? null,
    model_id: listed.model_id ?? told.model_id ?? null,
    max_model_len: listed.max_model_len ?? told.max_model_len ?? null,
    server: models.server,
  };
}
