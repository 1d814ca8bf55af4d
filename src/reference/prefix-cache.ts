// A simulated automatic prefix cache, as vLLM and SGLang keep one: a prompt is cut into blocks of
// BLOCK_TOKENS tokens, each named by a hash chained over every token before it, and a new prompt
// reuses the longest run of leading blocks already held. Least-recently-used blocks are evicted.
// The reference models report what it saves as usage.prompt_tokens_details.cached_tokens, so the
// effect of the order probes are dispatched in can be measured offline.

export const BLOCK_TOKENS = 16; // vLLM's default block size
export const CACHE_CAPACITY_TOKENS = 1 << 20; // ~1M tokens: a single large GPU's KV cache

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

const caches = new Map<string, PrefixCache>(); // one per reference model, per isolate

export function prefixCacheOf(modelId: string): PrefixCache {
  let cache = caches.get(modelId);
  if (!cache) caches.set(modelId, (cache = new PrefixCache()));
  return cache;
}
