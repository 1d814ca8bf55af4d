import llamaTokenizer from "llama-tokenizer-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import { getTokenizer, isTokenizerResident, loadTokenizer, type TokenizerName } from "../../../../src/probes/tokenizers/index";
import { EVICT_AFTER_IDLE_MS, Resident, trimResidents } from "../../../../src/probes/tokenizers/residency";

afterEach(() => vi.useRealTimers());

/** A resident whose instances are numbered, so a rebuild is visible. */
function counted(evictable: boolean) {
  let built = 1;
  const freed: number[] = [];
  const resident = new Resident(evictable, { id: 1 }, () => ({ id: ++built }), (instance) => freed.push(instance.id));
  return { resident, freed };
}

describe("Resident", () => {
  it("is rebuilt by its next use after a release, and the release frees the instance it held", () => {
    const { resident, freed } = counted(true);
    expect(resident.get().id).toBe(1);
    resident.release();
    expect(resident.isBuilt).toBe(false);
    expect(freed).toEqual([1]);
    expect(resident.get().id).toBe(2);
    expect(resident.rebuilds).toBe(1);
  });

  it("never releases a resident that is not evictable", () => {
    const { resident, freed } = counted(false);
    resident.release();
    expect(resident.isBuilt).toBe(true);
    expect(freed).toEqual([]);
  });

  it("trims least recently used idle residents beyond the limit, sparing recent and pinned ones", () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const [a, b, c] = [counted(true), counted(true), counted(true)];
    const pinned = counted(false);
    vi.setSystemTime(1_000_000 + EVICT_AFTER_IDLE_MS);
    c.resident.get(); // c used now; a and b idle for EVICT_AFTER_IDLE_MS, a the longest
    trimResidents(undefined, 1);
    expect([a.resident.isBuilt, b.resident.isBuilt, c.resident.isBuilt]).toEqual([false, false, true]);
    expect(pinned.resident.isBuilt).toBe(true);
    b.resident.get(); // rebuilt: now b and c are both recent, so neither is released
    trimResidents(undefined, 1);
    expect([b.resident.isBuilt, c.resident.isBuilt]).toEqual([true, true]);
  });
});

const mobyDick = await loadBuiltinCorpus("moby-dick");

describe("released tokenizers", () => {
  const text = mobyDick.text.slice(0, 20_000);

  it.each<TokenizerName>(["o200k_base", "llama2", "llama3"])("%s encodes and decodes the same after a release", async (name) => {
    const tokenizer = await loadTokenizer(name);
    const ids = tokenizer.encode(text);
    trimResidents(undefined, 0, 0); // release every idle evictable vocabulary now
    if (name === "llama2") expect(llamaTokenizer.vocabById).toBeUndefined(); // the package's copy is freed
    expect(isTokenizerResident(name)).toBe(false);
    expect(tokenizer.encode(text)).toEqual(ids); // the Tokenizer a caller held keeps working
    expect(isTokenizerResident(name)).toBe(true); // rebuilt by that call
    expect(getTokenizer(name).decode(ids)).toBe(text);
    expect(await loadTokenizer(name)).toBe(tokenizer);
  }, 60_000);

  it("cl100k_base and mistral stay built", async () => {
    const [cl100k, mistral] = await Promise.all([loadTokenizer("cl100k_base"), loadTokenizer("mistral")]);
    trimResidents(undefined, 0, 0);
    expect(cl100k.decode(cl100k.encode(text))).toBe(text);
    expect(mistral.decode(mistral.encode(text))).toBe(text);
  }, 60_000);
});
