import { describe, expect, it } from "vitest";
import { mobyDickOriginalText } from "../../../../src/probes/bookqa/book";
import { ENTITY_RENAMES, EntitySubstitution, mobyDickSubstitution, type EntityRename } from "../../../../src/probes/bookqa/substitute";

const sub = mobyDickSubstitution;

/** Occurrences of `name` under the same rules the substitution uses. */
function countName(text: string, entity: Pick<EntityRename, "original" | "commonWord" | "plural">): number {
  const words = entity.original.split(/[ -]/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s-]+");
  const body = entity.plural ? `${words}s?` : words;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, "giu");
  return [...text.matchAll(pattern)].filter((m) => !entity.commonWord || m[0][0] !== m[0][0]!.toLowerCase()).length;
}

describe("entity substitution: forms", () => {
  it("keeps case patterns: Title, UPPER, lower", () => {
    expect(sub.apply("Ahab and AHAB (advancing) and ahab")).toBe("Varrick and VARRICK (advancing) and varrick");
  });

  it("handles possessives, plurals and hyphenated compounds", () => {
    expect(sub.apply("Ahab's leg; all of us are Ahabs; Ahab-like")).toBe("Varrick's leg; all of us are Varricks; Varrick-like");
    expect(sub.apply("many are the Dericks")).toBe("many are the Joosts");
    expect(sub.apply("Stubbs")).toBe("Stubbs"); // Stubb has no plural form in the book
  });

  it("renames multi-word names across spaces, hyphens and line breaks, keeping the separator", () => {
    expect(sub.apply("Moby Dick, Moby-Dick, Moby\nDick, MOBY DICK")).toBe(
      "Vessa Korrow, Vessa-Korrow, Vessa\nKorrow, VESSA KORROW",
    );
    expect(sub.apply("Dough-Boy's memory")).toBe("Suet-Lad's memory");
  });

  it("respects word boundaries", () => {
    const text = "stubborn nail-stubbs, a pipe, Pipes, Perthshire, Tashtegos, dough-nuts, Mappled";
    expect(sub.apply(text)).toBe(text);
    expect(sub.apply("Pippin by nick-name, Pip by abbreviation")).toBe("Tobinet by nick-name, Tobi by abbreviation");
    expect(sub.apply("Tash and Tashtego")).toBe("Wana and Wanaquet");
    expect(sub.apply("Quohog, Queequeg")).toBe("Kalohog, Kalotu");
  });

  it("renames common-word names only when capitalised", () => {
    expect(sub.apply("a flask of fresh water; Flask; FLASK")).toBe("a flask of fresh water; Pellin; PELLIN");
    expect(sub.apply("a sister of charity, Aunt Charity")).toBe("a sister of charity, Aunt Prudella");
    expect(sub.apply("the fleece of innocence; old Fleece")).toBe("the fleece of innocence; old Brannock");
  });

  it("is deterministic and idempotent", async () => {
    const book = await mobyDickOriginalText();
    const once = sub.apply(book);
    expect(new EntitySubstitution().apply(book)).toBe(once);
    expect(sub.apply(once)).toBe(once);
  });

  it("rejects renames whose word counts differ", () => {
    expect(() => new EntitySubstitution([{ original: "Moby Dick", replacement: "Korrow", kind: "whale" }])).toThrow();
  });
});

const originalBook = await mobyDickOriginalText();

describe("entity substitution over the whole book", () => {
  const original = originalBook;
  const substituted = sub.apply(original);

  it("uses distinct invented names that never occur in the original book", () => {
    const replacements = ENTITY_RENAMES.map((e) => e.replacement.toLowerCase());
    expect(new Set(replacements).size).toBe(replacements.length);
    const originals = ENTITY_RENAMES.map((e) => e.original.toLowerCase());
    expect(new Set(originals).size).toBe(originals.length);
    for (const entity of ENTITY_RENAMES) {
      expect(countName(original, { original: entity.replacement, plural: entity.plural }), entity.replacement).toBe(0);
    }
  });

  it("renames every entity that occurs, and each one consistently (same count before and after)", () => {
    for (const entity of ENTITY_RENAMES) {
      const before = countName(original, entity);
      expect(before, entity.original).toBeGreaterThan(0);
      expect(countName(substituted, { original: entity.replacement, plural: entity.plural }), entity.original).toBe(before);
    }
  });

  it("leaves no original name behind", () => {
    expect(sub.survivingNames(substituted)).toEqual([]);
    expect(sub.survivingNames(original).sort()).toEqual(ENTITY_RENAMES.map((e) => e.original).sort());
  });

  it("changes nothing but name words, and maps each name word to exactly one replacement", () => {
    const split = (text: string) => text.split(/([\p{L}\p{N}_]+)/u); // odd indices are words
    const before = split(original);
    const after = split(substituted);
    expect(after.length).toBe(before.length);
    const nameWords = new Set(ENTITY_RENAMES.flatMap((e) => e.original.toLowerCase().split(/[ -]/)));
    const mapping = new Map<string, Set<string>>();
    for (let i = 0; i < before.length; i++) {
      if (before[i] === after[i]) continue;
      expect(i % 2, `separator changed near ${before[i]}`).toBe(1);
      const word = before[i]!;
      const base = nameWords.has(word.toLowerCase()) ? word.toLowerCase() : word.toLowerCase().replace(/s$/, "");
      expect(nameWords.has(base), word).toBe(true);
      if (!mapping.has(word)) mapping.set(word, new Set());
      mapping.get(word)!.add(after[i]!);
    }
    for (const [word, targets] of mapping) expect([...targets], word).toHaveLength(1);
    expect(mapping.get("Ahab")).toEqual(new Set(["Varrick"]));
    expect(mapping.get("Moby")).toEqual(new Set(["Vessa"]));
  });
});
