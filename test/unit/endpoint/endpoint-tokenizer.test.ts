// Endpoint tokenization, the pure parts: calibration math, token pieces → character boundaries in
// each server's form, the tokenize answer shapes and route candidates, and route discovery against
// an injected transport.
import { beforeAll, describe, expect, it } from "vitest";
import { endpointCuts, endpointTokensOf, fitCalibration, haystackFromCuts, proxyBudget } from "../../../src/probes/needle/endpoint-build";
import { tokenizeHaystack } from "../../../src/probes/needle/haystack";
import { getTokenizer, loadTokenizers } from "../../../src/probes/tokenizers/index";
import { byteLevelPieceBytes, haystackFromTokenBytes, PieceAlignmentError, sentencePiecePieceBytes, tokenBytesOf } from "../../../src/probes/tokenizers/pieces";
import { discoverTokenizeRoute, FINGERPRINT_TEXT, parseTokenizeAnswer, tokenizeCandidates } from "../../../src/lifecycle/endpoint/tokenize-route";
import { byteLevelTokenString, encodeTokens } from "../../../src/reference/tokens";
import { NEEDLE } from "../../../src/probes/needle/constants";

beforeAll(() => loadTokenizers(["cl100k_base", "llama2"]), 60_000);

describe("calibration math", () => {
  it("fits reported = intercept + ratio × proxy by least squares", () => {
    const samples = [1000, 4000, 16000].map((proxyTokens) => ({ proxyTokens, reportedTokens: 1 + 1.25 * proxyTokens }));
    const fit = fitCalibration(samples);
    expect(fit.ratio).toBeCloseTo(1.25, 10);
    expect(fit.intercept).toBeCloseTo(1, 8);
  });

  it("goes through the origin with one sample, and refuses none", () => {
    expect(fitCalibration([{ proxyTokens: 1000, reportedTokens: 1100 }])).toEqual({ ratio: 1.1, intercept: 0 });
    expect(() => fitCalibration([])).toThrow(RangeError);
    expect(() => fitCalibration([{ proxyTokens: 1000, reportedTokens: 0 }])).toThrow(RangeError);
  });

  it("maps an endpoint budget to proxy tokens and back", () => {
    const calibration = { ratio: 1.25, intercept: 3 };
    expect(proxyBudget(127_800, calibration)).toBe(102_240);
    expect(endpointTokensOf(102_240, calibration)).toBe(127_800);
    expect(endpointTokensOf(102_240 + 44, calibration, true)).toBe(127_858);
    // Noisy samples: the fitted line stays within a token of them.
    const noisy = [{ proxyTokens: 1044, reportedTokens: 1240 }, { proxyTokens: 4044, reportedTokens: 4841 }, { proxyTokens: 16044, reportedTokens: 19241 }];
    const fit = fitCalibration(noisy);
    for (const s of noisy) expect(Math.abs(endpointTokensOf(s.proxyTokens, fit, true) - s.reportedTokens)).toBeLessThanOrEqual(1);
  });
});

describe("token pieces → character boundaries", () => {
  const text = "Naïve café 🙂 — 東京. The end.\nNext line.";

  it("reads byte-level vocabulary strings (vLLM token_strs) and matches the local tokenizer's boundaries", () => {
    const ids = encodeTokens(text);
    const strs = ids.map(byteLevelTokenString);
    expect(strs.some((s) => s.startsWith("Ġ"))).toBe(true);
    const { first, bytes } = tokenBytesOf(text, strs, "vocab");
    expect(first).toBe(0);
    const fromPieces = haystackFromTokenBytes({ tokenizer: "endpoint-x", corpusVersion: "v", text, ids, bytes });
    const local = tokenizeHaystack(getTokenizer("cl100k_base"), { id: "t", version: "v", text });
    expect([...fromPieces.charStart]).toEqual([...local.charStart]);
    expect([...fromPieces.sentenceEnd]).toEqual([...local.sentenceEnd]);
  });

  it("reads SentencePiece vocabulary strings, byte fallback and the dummy-prefix space", () => {
    expect([...sentencePiecePieceBytes("<0x0A>")]).toEqual([10]);
    expect(new TextDecoder().decode(sentencePiecePieceBytes("\u2581world"))).toBe(" world");
    expect(byteLevelPieceBytes("\u2581world")).toBeNull();
    const pieces = ["\u2581Hello", "\u2581world", ".", "<0x0A>", "Bye"]; // as a server adding the dummy prefix gives them
    const { bytes } = tokenBytesOf("Hello world.\nBye", pieces, "vocab");
    expect(bytes.map((b) => new TextDecoder().decode(b))).toEqual(["Hello", " world", ".", "\n", "Bye"]);
  });

  it("reads decoded pieces (llama.cpp, TGI), byte arrays for split characters, and drops a leading BOS", () => {
    const emoji = [...new TextEncoder().encode("🙂")];
    const pieces: Array<string | number[]> = ["", "Hi", " ", emoji.slice(0, 2), emoji.slice(2), "."];
    const { first, bytes } = tokenBytesOf("Hi 🙂.", pieces, "text");
    expect(first).toBe(1);
    const haystack = haystackFromTokenBytes({ tokenizer: "endpoint-x", corpusVersion: "v", text: "Hi 🙂.", ids: [1, 2, 3, 4, 5], bytes });
    expect([...haystack.charStart]).toEqual([0, 2, 3, -1, 5, 6]);
    expect([...haystack.sentenceEnd]).toEqual([0, 0, 0, 0, 1]);
  });

  it("refuses pieces that do not spell the text", () => {
    expect(() => tokenBytesOf("Hello", ["Help"], "text")).toThrow(PieceAlignmentError);
  });

  it("places a needle by the paper's rule on the endpoint's tokens", () => {
    const corpus = { id: "c", version: "v", text: "One sentence here. Another one there. ".repeat(100) };
    const ids = encodeTokens(corpus.text);
    const haystack = haystackFromTokenBytes({ tokenizer: "endpoint-x", corpusVersion: "v", text: corpus.text, ids, bytes: tokenBytesOf(corpus.text, ids.map(byteLevelTokenString), "vocab").bytes });
    const needleTokens = encodeTokens(NEEDLE).length;
    const cuts = endpointCuts({ haystack, needleTokens, contextLength: 500, depthPercent: 50, bufferTokens: 200, adjust: 0 });
    expect(cuts.contextTokens + needleTokens).toBe(300);
    const text = haystackFromCuts(corpus, cuts);
    expect(text.slice(cuts.insert_char - 1, cuts.insert_char)).toBe("."); // after a sentence end
    expect(text.slice(cuts.insert_char, cuts.insert_char + NEEDLE.length)).toBe(NEEDLE);
    // One more token of haystack moves the end cut by that token.
    const more = endpointCuts({ haystack, needleTokens, contextLength: 500, depthPercent: 50, bufferTokens: 200, adjust: 1 });
    expect(more.contextTokens).toBe(cuts.contextTokens + 1);
  });
});

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
