// A simulated automatic prefix cache, as vLLM and SGLang keep one: a prompt is cut into blocks of
// BLOCK_TOKENS tokens, each named by a hash chained over every token before it, and a new prompt
// reuses the longest run of leading blocks already held. Least-recently-used blocks are evicted.
// The reference models report what it saves as usage.prompt_tokens_details.cached_tokens, so the
// effect of the order probes are dispatched in can be measured offline.

export const BLOCK_TOKENS = 16; // vLLM's default block size
// What one 80 GB GPU holds: Llama-3-8B keeps 128 KiB of KV cache per token, so ~400K tokens fit
// beside its weights; LLaMA-2-7B (no grouped-query attention) keeps 512 KiB, ~110K. Two 128K
// prompts, then: too small to keep a whole needle grid, as real servers are.
export const CACHE_CAPACITY_TOKENS = 262_144;

export class PrefixCache {
  private readonly blocks = new Map<string, true>(); // insertion order = recency

  constructor(
    readonly capacityTokens = CACHE_CAPACITY_TOKENS,
    readonly blockTokens = BLOCK_TOKENS,
  ) {}

  /** Tokens of `ids` served from the cache; then caches all of its full blocks. */
  lookupAndInsert(ids: readonly number[]): number {
    const keys = this.blockKeys(ids);
    let hits = 0;
    while (hits < keys.length && this.blocks.has(keys[hits]!)) hits++;
    for (const key of keys) {
      this.blocks.delete(key); // re-insert: most recently used
      this.blocks.set(key, true);
    }
    const maxBlocks = Math.floor(this.capacityTokens / this.blockTokens);
    for (const key of this.blocks.keys()) {
      if (this.blocks.size <= maxBlocks) break;
      this.blocks.delete(key);
    }
    return hits * this.blockTokens;
  }

  get size(): number {
    return this.blocks.size;
  }

  /** Two chained 32-bit FNV-1a hashes per block (64 bits, so collisions are not a concern). */
  private blockKeys(ids: readonly number[]): string[] {
    const keys: string[] = [];
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    const full = ids.length - (ids.length % this.blockTokens);
    for (let i = 0; i < full; i++) {
      const id = ids[i]!;
      a = Math.imul(a ^ id, 0x01000193) >>> 0;
      b = Math.imul(b ^ ((id * 2654435761) >>> 0), 0x01000193) >>> 0;
      if ((i + 1) % this.blockTokens === 0) keys.push(`${a.toString(36)}.${b.toString(36)}`);
    }
    return keys;
  }
}

/** Share of the prompts' tokens a fresh cache of this size serves when they arrive in this order. */
export function cachedShare(prompts: Iterable<readonly number[]>, capacityTokens = CACHE_CAPACITY_TOKENS): number {
  const cache = new PrefixCache(capacityTokens);
  let total = 0;
  let cached = 0;
  for (const ids of prompts) {
    total += ids.length;
    cached += cache.lookupAndInsert(ids);
  }
  return total === 0 ? 0 : cached / total;
}

const caches = new Map<string, PrefixCache>(); // one per model name, per isolate
const MAX_SERVERS = 16; // names are caller-chosen: the oldest cache goes beyond this many

/**
 * The cache of the server behind a model name. Each name (suffix included: `+cache=N` sets the
 * capacity) is its own server, so a benchmark can start from an empty cache.
 */
export function prefixCacheOf(modelName: string, capacityTokens = CACHE_CAPACITY_TOKENS): PrefixCache {
  let cache = caches.get(modelName);
  if (!cache) {
    if (caches.size >= MAX_SERVERS) caches.delete(caches.keys().next().value!);
    caches.set(modelName, (cache = new PrefixCache(capacityTokens)));
  }
  return cache;
}
