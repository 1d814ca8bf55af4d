import { describe, expect, it } from "vitest";
import { fingerprintEndpoint } from "../../../../src/lifecycle/endpoint/fingerprint";
import { forbidNetwork } from "../../no-network";

forbidNetwork();

const target = { baseUrl: "http://gpu-1:8000/v1", model: "llama-7b", apiKey: "sk-x", timeoutMs: 5000 };

/** A server answering the given paths (relative to http://gpu-1:8000) with JSON, 404 elsewhere. */
function server(routes: Record<string, unknown>, headers: Record<string, string> = {}) {
  const asked: string[] = [];
  const fetcher = async (request: Request) => {
    const path = new URL(request.url).pathname;
    asked.push(`${request.method} ${path} ${request.headers.get("authorization")}`);
    return path in routes ? new Response(JSON.stringify(routes[path]), { headers: { "content-type": "application/json", ...headers } }) : new Response("not found", { status: 404, headers });
  };
  return { fetcher, asked };
}

describe("the serving fingerprint", () => {
  it("reads vLLM: /v1/models with max_model_len and /version, and the server header", async () => {
    const vllm = server({ "/v1/models": { data: [{ id: "other" }, { id: "llama-7b", owned_by: "vllm", max_model_len: 81920 }] }, "/version": { version: "0.6.3" } }, { server: "uvicorn" });
    expect(await fingerprintEndpoint(target, vllm.fetcher)).toEqual({ engine: "vllm", version: "0.6.3", model_id: "llama-7b", max_model_len: 81920, server: "uvicorn" });
    expect(vllm.asked).toContain("GET /v1/models Bearer sk-x");
  });

  it("reads TGI's /info, llama.cpp's /props, Ollama's /api/version and SGLang's /get_server_info", async () => {
    expect(await fingerprintEndpoint(target, server({ "/info": { model_id: "meta/llama", version: "2.4.0", max_input_tokens: 32000 } }).fetcher)).toMatchObject({ engine: "tgi", version: "2.4.0", model_id: "meta/llama", max_model_len: 32000 });
    expect(await fingerprintEndpoint(target, server({ "/props": { default_generation_settings: { n_ctx: 4096 }, build_info: "b4100" } }).fetcher)).toMatchObject({ engine: "llama.cpp", version: "b4100", max_model_len: 4096 });
    expect(await fingerprintEndpoint(target, server({ "/api/version": { version: "0.5.1" }, "/v1/models": { data: [{ id: "llama-7b", owned_by: "library" }] } }).fetcher)).toMatchObject({ engine: "ollama", version: "0.5.1", model_id: "llama-7b" });
    expect(await fingerprintEndpoint(target, server({ "/get_server_info": { version: "0.4.0" }, "/version": { version: "0.4.0" } }).fetcher)).toMatchObject({ engine: "sglang", version: "0.4.0" });
  });

  it("is all null for a server that says nothing, and survives garbage and network errors", async () => {
    expect(await fingerprintEndpoint(target, server({}).fetcher)).toEqual({ engine: null, version: null, model_id: null, max_model_len: null, server: null });
    const garbage = async () => new Response("<html>", { status: 200 });
    expect(await fingerprintEndpoint(target, garbage)).toMatchObject({ engine: null, model_id: null });
    const down = async () => Promise.reject(new TypeError("Network connection lost."));
    expect(await fingerprintEndpoint(target, down)).toMatchObject({ engine: null });
  });
});
