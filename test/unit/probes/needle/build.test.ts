import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import {
  MAX_TOKENS,
  NEEDLE,
  RETRIEVAL_QUESTION,
  TEMPLATE_TOKENS,
  buildNeedleProbe,
  countPromptTokens,
  estimateNeedlePromptTokens,
  needlePrompt,
} from "../../../../src/probes/needle/build";
import * as needle from "../../../../src/probes/needle/index";
import { COMPLETIONS_TEMPLATE, chatMessages, completionsPrompt } from "../../../../src/probes/needle/templates";
import { TOKENIZER_NAMES, getTokenizer, loadTokenizers } from "../../../../src/probes/tokenizers/index";

describe("templates (paper §1.2, verbatim)", () => {
  it("completions", () => {
    expect(COMPLETIONS_TEMPLATE).toBe(
      "<|im_start|> This is a very long story book: <book> {context} </book>.\n Based on the content of the book, Question: {question}\nAnswer:",
    );
    expect(completionsPrompt("CTX $& $1", "Q?")).toBe(
      "<|im_start|> This is a very long story book: <book> CTX $& $1 </book>.\n Based on the content of the book, Question: Q?\nAnswer:",
    );
  });
  it("chat: system, context, question with the paper's extra sentences, empty assistant", () => {
    expect(chatMessages("CTX", RETRIEVAL_QUESTION)).toEqual([
      { role: "system", content: "You are a helpful AI bot that answers questions for a user. Keep your response short and direct" },
      { role: "user", content: "CTX" },
      {
        role: "user",
        content:
          "What is the best thing to do in San Francisco? Don't give information outside the document or repeat your findings. The document definitely contains the answer, and I'm 100% sure. So try your best to find it.",
      },
      { role: "assistant", content: "" },
    ]);
  });
});

const mobyDick = await loadBuiltinCorpus("moby-dick");

describe("buildNeedleProbe", () => {
  const corpus = mobyDick;

  it("needs a loaded tokenizer", async () => {
    // Fresh modules: unit files share theirs (isolate: false), and another file may have loaded mistral.
    vi.resetModules();
    const fresh = await import("../../../../src/probes/needle/build");
    const { TokenizerNotLoadedError: NotLoaded } = await import("../../../../src/probes/tokenizers/index");
    expect(() => fresh.buildNeedleProbe({ tokenizer: "mistral", contextLength: 1000, depthPercent: 50, api: "chat" }, corpus)).toThrow(NotLoaded);
  });

  describe("with tokenizers loaded", () => {
    beforeAll(() => loadTokenizers(), 60_000);

    it("builds both prompt shapes with the paper's token budgets", () => {
      const completions = buildNeedleProbe({ tokenizer: "cl100k_base", contextLength: 4256, depthPercent: 33, api: "completions" }, corpus);
      expect(completions.maxTokens).toBe(50);
      expect(completions.constructedTokens).toBe(4056);
      expect(completions.prompt.api).toBe("completions");
      if (completions.prompt.api !== "completions") throw new Error("unreachable");
      expect(completions.prompt.prompt.startsWith("<|im_start|> This is a very long story book: <book> ETYMOLOGY.")).toBe(true);
      expect(completions.prompt.prompt.endsWith(`</book>.\n Based on the content of the book, Question: ${RETRIEVAL_QUESTION}\nAnswer:`)).toBe(true);
      expect(completions.prompt.prompt).toContain(NEEDLE);

      const chat = buildNeedleProbe({ tokenizer: "cl100k_base", contextLength: 4256, depthPercent: 33, api: "chat" }, corpus);
      expect(chat.maxTokens).toBe(300);
      expect(chat.needleTokenIndex).toBe(completions.needleTokenIndex);
      if (chat.prompt.api !== "chat") throw new Error("unreachable");
      expect(chat.prompt.messages).toHaveLength(4);
      expect(chat.prompt.messages[1]!.content).toContain(NEEDLE);
      expect(MAX_TOKENS).toEqual({ completions: 50, chat: 300 });
    });

    it.each(TOKENIZER_NAMES)("%s: template token table, estimate vs exact count", (name) => {
      const tokenizer = getTokenizer(name);
      for (const api of ["completions", "chat"] as const) {
        expect([api, countPromptTokens(needlePrompt(api, ""), tokenizer)]).toEqual([api, TEMPLATE_TOKENS[api][name]]);
        const spec = { tokenizer: name, contextLength: 8000, depthPercent: 44, api };
        const exact = countPromptTokens(buildNeedleProbe(spec, corpus).prompt, tokenizer);
        const estimate = estimateNeedlePromptTokens(spec);
        expect(Math.abs(exact - estimate)).toBeLessThanOrEqual(4);
      }
    }, 60_000);
  });
});

describe("index re-exports the public API", () => {
  it("has the main entry points", () => {
    for (const key of ["buildNeedleProbe", "estimateNeedlePromptTokens", "resolveNeedleGrid", "scoreNeedle", "naiveBuildNeedleHaystack", "NEEDLE_METRICS", "PAPER_CONTEXT_LENGTHS"]) {
      expect(needle).toHaveProperty(key);
    }
  });
});
