// The tokenize answer shapes and route candidates, and route discovery against an injected transport.
import { describe, expect, it } from "vitest";
import { discoverTokenizeRoute, FINGERPRINT_TEXT, parseTokenizeAnswer, tokenizeCandidates } from "../../../../src/lifecycle/endpoint/tokenize-route";

describe("tokenize routes", () => {
  it("tries the server root before base_url", () => {
    expect(tokenizeCandidates("http://127.0.0.1:8000/v1")).toEqual(["http://127.0.0.1:8000/tokenize", "http://127.0.0.1:8000/v1/tokenize"]);
    expect(tokenizeCandidates("https://h.example/reference/v1/")).toEqual(["https://h.example/reference/tokenize", "https://h.example/reference/v1/tokenize"]);
    expect(tokenizeCandidates("http://h:8080")).toEqual(["http://h:8080/tokenize"]);
  });

  it("reads vLLM, llama.cpp and TGI answers", () => {
    expect(parseTokenizeAnswer({ count: 2, max_model_len: 4096, tokens: [1, 2], token_strs: ["a", "Ġb"] })).toMatchObject({ flavor: "vllm", ids: [1, 2], pieces: ["a", "Ġb"], pieceForm: "vocab" });
    expect(parseTokenizeAnswer({ count: 2, max_model_len: 4096, tokens: [1, 2] })).toMatchObject({ flavor: "vllm", pieces: null });
    expect(parseTokenizeAnswer({ tokens: [{ id: 1, piece: "a" }, { id: 2, piece: [240, 159] }] })).toMatchObject({ flavor: "llamacpp", ids: [1, 2], pieces: ["a", [240, 159]], pieceForm: "text" });
    expect(parseTokenizeAnswer({ tokens: [5, 6] })).toMatchObject({ flavor: "llamacpp", pieces: null });
    expect(parseTokenizeAnswer([{ id: 1, text: "a", start: 0, stop: 1 }])).toMatchObject({ flavor: "tgi", ids: [1], pieces: ["a"] });
    expect(parseTokenizeAnswer({ error: "nope" })).toBeNull();
    expect(parseTokenizeAnswer("text")).toBeNull();
  });

  it("discovers a llama.cpp route at the server root through the injected transport, with the run's key", async () => {
    const seen: { url: string; auth: string | null; body: Record<string, unknown> }[] = [];
    const fetcher = async (request: Request) => {
      seen.push({ url: request.url, auth: request.headers.get("authorization"), body: (await request.json()) as Record<string, unknown> });
      if (request.url !== "http://llama.local:8080/tokenize") return new Response("not found", { status: 404 });
      return Response.json({ tokens: [{ id: 7, piece: "x" }] });
    };
    const found = await discoverTokenizeRoute({ baseUrl: "http://llama.local:8080/v1", model: "m", apiKey: "sk-1", timeoutMs: 1000 }, { fetcher });
    expect(found?.route).toEqual({ url: "http://llama.local:8080/tokenize", flavor: "llamacpp" });
    expect(found?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(seen[0]).toMatchObject({ auth: "Bearer sk-1", body: { content: FINGERPRINT_TEXT, prompt: FINGERPRINT_TEXT, inputs: FINGERPRINT_TEXT, model: "m" } });
  });

  it("answers null when no candidate has a route, and errors (retried later) on a 5xx", async () => {
    const target = { baseUrl: "http://h/v1", model: "m", timeoutMs: 1000 };
    expect(await discoverTokenizeRoute(target, { fetcher: async () => new Response("", { status: 404 }) })).toBeNull();
    await expect(discoverTokenizeRoute(target, { fetcher: async () => new Response("", { status: 503 }) })).rejects.toThrow(/503/);
    // The SSRF guard sees every candidate URL.
    await expect(discoverTokenizeRoute(target, { fetcher: async () => Response.json({ tokens: [1] }), checkUrl: () => "private address" })).rejects.toThrow(/refused/);
  });
});
