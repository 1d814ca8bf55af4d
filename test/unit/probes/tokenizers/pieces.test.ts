// Token pieces from an endpoint's tokenize route → character boundaries, in each server's form.
import { beforeAll, describe, expect, it } from "vitest";
import { endpointCuts, haystackFromCuts } from "../../../../src/probes/needle/endpoint-build";
import { tokenizeHaystack } from "../../../../src/probes/needle/haystack";
import { getTokenizer, loadTokenizers } from "../../../../src/probes/tokenizers/index";
import { byteLevelPieceBytes, haystackFromTokenBytes, PieceAlignmentError, sentencePiecePieceBytes, tokenBytesOf } from "../../../../src/probes/tokenizers/pieces";
import { byteLevelTokenString, encodeTokens } from "../../../../src/reference/tokens";
import { NEEDLE } from "../../../../src/probes/needle/constants";

beforeAll(() => loadTokenizers(["cl100k_base", "llama2"]), 60_000);

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
