import { describe, expect, it } from "vitest";
import { callEndpoint, classifyResponse, endpointUrl, networkErrorClass, parseRetryAfter, requestBody } from "../../../../src/lifecycle/endpoint/client";
import { retryDelaySeconds } from "../../../../src/lifecycle/backoff";

describe("endpoint client", () => {
  it("builds OpenAI-compatible URLs and bodies", () => {
    expect(endpointUrl("http://h:8000/v1/", "completions")).toBe("http://h:8000/v1/completions");
    expect(endpointUrl("http://h:8000/v1", "chat")).toBe("http://h:8000/v1/chat/completions");
    expect(requestBody("m", { api: "completions", prompt: "p" }, 50)).toEqual({ model: "m", max_tokens: 50, temperature: 0, prompt: "p" });
    expect(requestBody("m", { api: "chat", messages: [{ role: "user", content: "q" }] }, 300)).toEqual({
      model: "m", max_tokens: 300, temperature: 0, messages: [{ role: "user", content: "q" }],
    });
  });

  it("reads Retry-After in seconds and as an HTTP date", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  const ok = (body: unknown) => classifyResponse(200, JSON.stringify(body), null, 5);
  it("extracts text, finish_reason and usage from completions and chat replies", () => {
    expect(ok({ choices: [{ text: "hi", finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1 } })).toEqual({
      kind: "ok", text: "hi", reasoning: null, finishReason: "stop", usage: { promptTokens: 3, completionTokens: 1, cachedTokens: null }, latencyMs: 5, ttftMs: null,
    });
    expect(ok({ choices: [{ message: { content: "yo" }, finish_reason: "length" }] })).toMatchObject({ kind: "ok", text: "yo", finishReason: "length", usage: { promptTokens: null } });
  });

  it("keeps a reasoning model's reasoning_content or reasoning apart from the content", () => {
    expect(ok({ choices: [{ message: { content: "Dolores", reasoning_content: "the park" }, finish_reason: "stop" }] })).toMatchObject({ text: "Dolores", reasoning: "the park" });
    expect(ok({ choices: [{ message: { content: "Dolores", reasoning: "ollama style" } }] })).toMatchObject({ text: "Dolores", reasoning: "ollama style" });
    // Servers that send both (newer vLLM) repeat one text: it is taken once.
    expect(ok({ choices: [{ message: { content: "x", reasoning_content: "same", reasoning: "same" } }] })).toMatchObject({ reasoning: "same" });
    // Cut inside the reasoning: content null beside it is an empty answer, not a malformed reply.
    expect(ok({ choices: [{ message: { content: null, reasoning_content: "still thinking" }, finish_reason: "length" }] })).toMatchObject({ kind: "ok", text: "", reasoning: "still thinking", finishReason: "length" });
    expect(ok({ choices: [{ message: { content: null } }] })).toMatchObject({ kind: "retry" });
    expect(ok({ choices: [{ message: { content: "x", reasoning: { effort: "high" } } }] })).toMatchObject({ reasoning: null });
  });

  it.each([
    [429, "rate limited", "retry"],
    [408, "timeout", "retry"],
    [500, "oops", "retry"],
    [502, "bad gateway", "retry"],
    [503, "busy", "retry"],
    [400, '{"error":{"message":"bad request: temperature"}}', "fail"],
    [401, "unauthorized", "fail"],
    [404, "not found", "fail"],
    [302, "", "fail"],
  ])("HTTP %i is %s", (status, body, kind) => {
    expect(classifyResponse(status, body, null, 1).kind).toBe(kind);
  });

  it("marks context overflows as unscorable, and other 400s as failures", () => {
    const overflow = classifyResponse(400, JSON.stringify({ error: { message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens" } }), null, 1);
    expect(overflow).toMatchObject({ kind: "fail", unscorable: true });
    expect(classifyResponse(400, JSON.stringify({ error: { message: "unknown parameter" } }), null, 1)).toMatchObject({ kind: "fail", unscorable: false });
  });

  it("records cached prompt tokens where the endpoint reports them", () => {
    expect(ok({ choices: [{ text: "a" }], usage: { prompt_tokens: 100, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 64 } } })).toMatchObject({
      usage: { promptTokens: 100, cachedTokens: 64 },
    });
  });

  it("retries garbled 200 bodies and bodies without choices", () => {
    expect(classifyResponse(200, "{\"choi", null, 1).kind).toBe("retry");
    expect(classifyResponse(200, "{}", null, 1).kind).toBe("retry");
  });

  it("passes Retry-After on", () => {
    expect(classifyResponse(429, "", "9", 1)).toMatchObject({ kind: "retry", retryAfterS: 9 });
  });

  it("calls through the injected transport with a bearer token and no redirects", async () => {
    let seen: Request | undefined;
    const outcome = await callEndpoint(
      { baseUrl: "http://x/v1", model: "m", apiKey: "k", timeoutMs: 1000 },
      { api: "completions", prompt: "hello" },
      7,
      async (req) => {
        seen = req;
        return new Response(JSON.stringify({ choices: [{ text: "t", finish_reason: "stop" }] }));
      },
    );
    expect(outcome.kind).toBe("ok");
    expect(seen!.headers.get("authorization")).toBe("Bearer k");
    expect(seen!.redirect).toBe("manual");
    expect(await seen!.json()).toEqual({ model: "m", max_tokens: 7, temperature: 0, prompt: "hello" });
  });

  it("turns timeouts and network errors into retries", async () => {
    const hang = await callEndpoint({ baseUrl: "http://x/v1", model: "m", timeoutMs: 50 }, { api: "completions", prompt: "p" }, 1, () =>
      new Promise((_, reject) => setTimeout(() => reject(new DOMException("The operation timed out.", "TimeoutError")), 60)),
    );
    expect(hang).toMatchObject({ kind: "retry" });
    expect((hang as { reason: string }).reason).toContain("timed out");
    expect((hang as { reason: string }).reason).toBe("timed out after 0 s calling http://x/v1/completions");
    expect(hang).not.toHaveProperty("unreachable");
    const refused = await callEndpoint({ baseUrl: "http://x/v1", model: "m", timeoutMs: 50 }, { api: "completions", prompt: "p" }, 1, () => Promise.reject(new TypeError("ECONNREFUSED")));
    expect(refused).toEqual({ kind: "retry", reason: "cannot reach http://x/v1/completions (connection refused): ECONNREFUSED", retryAfterS: null, latencyMs: expect.any(Number), unreachable: true });
  });

  it("names what a network error's message says went wrong", () => {
    expect(networkErrorClass("connect ECONNREFUSED 127.0.0.1:1")).toBe("connection refused");
    expect(networkErrorClass("getaddrinfo ENOTFOUND gpu-1")).toBe("DNS lookup failed");
    expect(networkErrorClass("unable to verify the first certificate")).toBe("TLS failed");
    expect(networkErrorClass("Network connection lost.")).toBe("connection lost");
    expect(networkErrorClass("internal error")).toBe("network error");
  });
});

describe("backoff", () => {
  it("grows exponentially with jitter and a cap", () => {
    const low = () => 0;
    const high = () => 0.999;
    expect(retryDelaySeconds(1, null, low)).toBe(1);
    expect(retryDelaySeconds(1, null, high)).toBe(2);
    expect(retryDelaySeconds(4, null, low)).toBe(8);
    expect(retryDelaySeconds(4, null, high)).toBe(16);
    expect(retryDelaySeconds(20, null, high)).toBe(300);
  });

  it("honours Retry-After, clamped to a day", () => {
    expect(retryDelaySeconds(1, 30, () => 0.5)).toBe(31);
    expect(retryDelaySeconds(1, 10 ** 7, () => 0)).toBe(86_400);
  });
});
