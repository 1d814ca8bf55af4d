// Tokenize answers are read up to their own cap: past it the body is cancelled and the call throws
// a final error (never a retried TokenizeCallError); refusals are not read at all.
import { describe, expect, it } from "vitest";
import { discoverTokenizeRoute, tokenizeVia, TokenizeCallError, TokenizeReplyTooLargeError } from "../../../../src/lifecycle/endpoint/tokenize-route";
import { PieceAlignmentError } from "../../../../src/probes/tokenizers/pieces";
import { producer } from "./streams";

describe("a tokenize answer over the cap", () => {
  const route = { url: "http://llama.local/tokenize", flavor: "llamacpp" as const };
  const tokTarget = { baseUrl: "http://llama.local/v1", model: "m", timeoutMs: 5000, maxTokenizeReplyBytes: 64 * 1024 };

  it("is cancelled past the cap and throws a final error (a PieceAlignmentError, never retried as a TokenizeCallError)", async () => {
    const source = producer('{"tokens":[', 8192);
    const error = await tokenizeVia(route, tokTarget, "some text", { fetcher: async () => new Response(source.stream) }, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizeReplyTooLargeError);
    expect(error).toBeInstanceOf(PieceAlignmentError);
    expect(error).not.toBeInstanceOf(TokenizeCallError);
    expect((error as Error).message).toMatch(/^the tokenize answer of http:\/\/llama.local\/tokenize exceeded 65536 bytes; reading stopped there \(MAX_TOKENIZE_REPLY_BYTES/);
    expect(source.cancelled).toBe(true);
    expect(source.pulled).toBeLessThanOrEqual(64 * 1024 + 8192);
  });

  it("in discovery too; and the body of a refusal is not read at all", async () => {
    const huge = producer("[", 8192);
    await expect(discoverTokenizeRoute(tokTarget, { fetcher: async () => new Response(huge.stream) })).rejects.toBeInstanceOf(TokenizeReplyTooLargeError);
    expect(huge.cancelled).toBe(true);
    const refusal = producer("not found", 8192);
    const second = producer("x", 8192);
    let call = 0;
    const found = await discoverTokenizeRoute(tokTarget, {
      fetcher: async () => (call++ === 0 ? new Response(refusal.stream, { status: 404 }) : new Response(second.stream, { status: 405 })),
    });
    expect(found).toBeNull();
    expect(refusal.cancelled && second.cancelled).toBe(true);
    expect(refusal.pulled + second.pulled).toBeLessThanOrEqual(2 * 8192);
  });

  it("an answer within the cap is read as before", async () => {
    const answer = await tokenizeVia(route, tokTarget, "hi", { fetcher: async () => Response.json({ tokens: [{ id: 1, piece: "hi" }] }) }, true);
    expect(answer).toEqual({ flavor: "llamacpp", ids: [1], pieces: ["hi"], pieceForm: "text" });
  });
});
