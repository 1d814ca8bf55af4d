import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { completeText } from "../../../src/reference/models";
import { cachedShare, PrefixCache } from "../../../src/reference/prefix-cache";
import { referenceRoutes } from "../../../src/reference/routes";

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe("simulated prefix cache", () => {
  it("serves the leading full blocks a previous prompt already brought", () => {
    const cache = new PrefixCache(1 << 20, 16);
    expect(cache.lookupAndInsert(range(0, 100))).toBe(0);
    expect(cache.lookupAndInsert(range(0, 100))).toBe(96); // 6 full blocks of 16
    expect(cache.lookupAndInsert([...range(0, 40), ...range(1000, 60)])).toBe(32); // diverges inside block 3
    expect(cache.lookupAndInsert([7, ...range(0, 99)])).toBe(0); // a different first token changes every block
  });

  it("replays prompts in order through a fresh cache: cachedShare", () => {
    expect(cachedShare([range(0, 64), range(0, 64)], 1024)).toBe(0.5);
    expect(cachedShare([range(0, 64), range(500, 64), range(0, 64)], 64)).toBe(0); // evicted in between
    expect(cachedShare([])).toBe(0);
  });

  it("evicts the least recently used blocks", () => {
    const cache = new PrefixCache(64, 16); // room for 4 blocks
    cache.lookupAndInsert(range(0, 64)); // A: 4 blocks
    cache.lookupAndInsert(range(500, 32)); // B: 2 blocks, evicts A's 2 oldest
    expect(cache.size).toBe(4);
    expect(cache.lookupAndInsert(range(0, 64))).toBe(0); // A's first block is gone
  });

  it("is reported by the reference models as cached_tokens", () => {
    const book = "The harbour was quiet that morning. ".repeat(200);
    const first = completeText("extractive-128k", `${book}\nQuestion: How was the harbour?\nAnswer:`);
    const second = completeText("extractive-128k", `${book}\nQuestion: What did the harbour look like?\nAnswer:`);
    expect(first.usage.prompt_tokens_details!.cached_tokens).toBeLessThan(first.usage.prompt_tokens);
    expect(second.usage.prompt_tokens_details!.cached_tokens).toBeGreaterThan(second.usage.prompt_tokens * 0.9);
  });

  describe("over HTTP, one server per model name", () => {
    const app = new Hono().route("/reference/v1", referenceRoutes);
    const book = "The lighthouse keeper counted ships every evening. ".repeat(300);
    async function cachedTokens(model: string, question: string, api: "completions" | "chat/completions" = "completions"): Promise<number> {
      const body =
        api === "completions"
          ? { model, prompt: `${book}\nQuestion: ${question}\nAnswer:`, max_tokens: 20 }
          : { model, messages: [{ role: "user", content: `${book}\nQuestion: ${question}` }], max_tokens: 20 };
      const res = await app.request(`http://localhost/reference/v1/${api}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { usage: { prompt_tokens_details: { cached_tokens: number } } }).usage.prompt_tokens_details.cached_tokens;
    }

    it("starts a suffixed name with an empty cache of its own, and cache=0 caches nothing", async () => {
      const name = `extractive-128k+cache=65536,seed=${Math.floor(Math.random() * 1e9)}`;
      expect(await cachedTokens(name, "What did the keeper count?")).toBe(0);
      expect(await cachedTokens(name, "When did the keeper count?")).toBeGreaterThan(2000);
      expect(await cachedTokens(name, "Who counted?", "chat/completions")).toBe(0); // chat tokens differ
      expect(await cachedTokens(name, "Who counted ships?", "chat/completions")).toBeGreaterThan(2000);
      expect(await cachedTokens("extractive-128k+cache=0", "What did the keeper count?")).toBe(0);
      expect(await cachedTokens("extractive-128k+cache=0", "What did the keeper count?")).toBe(0);
    });

    it("evicts what no longer fits in a small cache", async () => {
      const name = `extractive-128k+cache=1024,seed=${Math.floor(Math.random() * 1e9)}`; // less than one prompt
      await cachedTokens(name, "What did the keeper count?");
      expect(await cachedTokens(name, "What did the keeper count?")).toBe(0); // its first blocks were evicted
    });
  });
});
