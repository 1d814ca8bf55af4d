// The merge loop of BPE, shared by our byte-level BPE (./byte-bpe.ts, llama3) and SentencePiece BPE
// (./sentencepiece.ts, llama2 and mistral): repeatedly merge the adjacent pair with the lowest
// priority, the leftmost among equals, until no pair merges. Parts are a linked list over typed
// arrays and candidates sit in a binary heap, so a long input costs n log n and few objects (the
// JS ports allocate a node object per character and a string per candidate pair).

/** Min-heap of numbers (priority · 2³² + position, so lower priority first, then leftmost). */
class MinHeap {
  private readonly items: number[] = [];

  clear(): void {
    this.items.length = 0;
  }

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && items[child + 1]! < items[child]!) child++;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Which adjacent parts merge, and into what. */
export interface PairTable {
  /** Priority (an integer ≥ 0, lower first) of merging part `left` at [start, …) with part `right` ending at `end`; undefined: no merge. */
  priority(left: number, right: number, start: number, end: number): number | undefined;
  /** The id of the merged part. */
  merged(left: number, right: number, priority: number): number;
}

const POSITION = 2 ** 32;
const NO_PAIR = -1;

// Scratch arrays shared by every call (a merge never yields): a word's merge used to allocate four
// typed arrays and a heap, ~55 MB of garbage per 128K-token prompt in a Worker. They grow to the
// longest input met, which is at most a word or pre-token here.
let next = new Int32Array(64);
let prev = new Int32Array(64);
let part = new Int32Array(64);
let pairPriority = new Float64Array(64);
const heap = new MinHeap();

function ensureScratch(n: number): void {
  if (next.length > n) return;
  const size = 2 ** Math.ceil(Math.log2(n + 1));
  [next, prev, part, pairPriority] = [new Int32Array(size), new Int32Array(size), new Int32Array(size), new Float64Array(size)];
}

/**
 * `ids` (one per initial position) after merging. pairPriority[start] is the priority of the pair
 * that begins at `start` now (NO_PAIR if none), so a heap entry that no longer matches is stale.
 */
export function mergePairs(ids: readonly number[], table: PairTable): number[] {
  const n = ids.length;
  if (n < 2) return n === 1 ? [ids[0]!] : [];
  ensureScratch(n);
  heap.clear();
  const rate = (start: number) => {
    const right = next[start]!;
    const priority = right < n ? table.priority(part[start]!, part[right]!, start, next[right]!) : undefined;
    pairPriority[start] = priority ?? NO_PAIR;
    if (priority !== undefined) heap.push(priority * POSITION + start);
  };
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    part[i] = i < n ? ids[i]! : 0;
    pairPriority[i] = NO_PAIR;
  }
  for (let i = 0; i < n - 1; i++) rate(i);
  while (heap.size > 0) {
    const key = heap.pop();
    const priority = Math.floor(key / POSITION);
    const start = key - priority * POSITION;
    if (pairPriority[start] !== priority) continue;
    const right = next[start]!;
    part[start] = table.merged(part[start]!, part[right]!, priority);
    next[start] = next[right]!;
    prev[next[right]!] = start;
    pairPriority[right] = NO_PAIR;
    rate(start);
    if (start > 0) rate(prev[start]!);
  }
  const merged: number[] = [];
  for (let start = 0; start < n; start = next[start]!) merged.push(part[start]!);
  return merged;
}
