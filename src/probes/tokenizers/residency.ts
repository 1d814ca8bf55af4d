// Which built vocabularies an isolate keeps. A Worker isolate has 128 MB; the five tokenizers hold
// ~58 MB of heap once all are loaded (./index.ts), and a run uses one. So a tokenizer's built
// structures (maps, decoded vocabulary: o200k ~7.5 MB, llama2 ~6, llama3 ~9 in Node) are a Resident
// that may be released and is rebuilt, from its module's still-loaded data, by the next call that
// needs it. Eviction therefore never makes a tokenizer unusable: a caller holding a Tokenizer across
// an eviction just pays one rebuild (~0.05-0.1 s CPU). What may be freed is chosen when a tokenizer
// is loaded or rebuilt: beyond MAX_EVICTABLE_RESIDENT, the least recently used that has been idle
// at least EVICT_AFTER_IDLE_MS, so runs that interleave two tokenizers do not rebuild on every
// switch (at worst one ~0.1 s rebuild per 5 s). It was 30 s while a llama3 rebuild took ~1 s; runs
// that follow each other within seconds then kept every vocabulary built (README, isolate_memory).

export const MAX_EVICTABLE_RESIDENT = 1;
export const EVICT_AFTER_IDLE_MS = 5_000;

/** What the eviction policy sees of a Resident. */
export interface ResidentVocabulary {
  readonly evictable: boolean;
  readonly isBuilt: boolean;
  readonly idleMs: number;
  get(): unknown;
  release(): void;
}

/** A library instance that can be freed and built again. */
export class Resident<L> implements ResidentVocabulary {
  private instance: L | undefined;
  private lastUsedMs = 0;
  /** How many times it was built again after a release (for tests and logs). */
  rebuilds = 0;

  /**
   * `first` is the instance already built (often the package's module-level default), `rebuild`
   * makes a new one, `free` drops what an instance holds that a reference drop alone would not
   * free (the package keeps its default instance; undefined: dropping our reference is enough).
   */
  constructor(
    readonly evictable: boolean,
    first: L,
    private readonly rebuild: () => L,
    private readonly free?: (instance: L) => void,
  ) {
    this.instance = first;
    this.touch();
  }

  /** The instance, rebuilt if it was released. */
  get(): L {
    this.touch();
    if (this.instance === undefined) {
      this.instance = this.rebuild();
      this.rebuilds++;
      trimResidents(this);
    }
    return this.instance;
  }

  get isBuilt(): boolean {
    return this.instance !== undefined;
  }

  get idleMs(): number {
    return Date.now() - this.lastUsedMs;
  }

  release(): void {
    if (!this.evictable || this.instance === undefined) return;
    this.free?.(this.instance);
    this.instance = undefined;
  }

  private touch(): void {
    this.lastUsedMs = Date.now();
    residents.delete(this);
    residents.add(this); // Set order = least recently used first
  }
}

const residents = new Set<ResidentVocabulary>();

/** Releases idle evictable residents, least recently used first, until at most the limit remain. */
export function trimResidents(keep?: ResidentVocabulary, limit = MAX_EVICTABLE_RESIDENT, idleMs = EVICT_AFTER_IDLE_MS): void {
  const built = [...residents].filter((r) => r.evictable && r.isBuilt);
  let excess = built.length - limit;
  for (const resident of built) {
    if (excess <= 0) return;
    if (resident === keep || resident.idleMs < idleMs) continue;
    resident.release();
    excess--;
  }
}
