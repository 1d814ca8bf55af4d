// InfiniteBench-style anti-memorisation ("fake book"): core entity names of Moby-Dick are replaced by
// invented ones, consistently across the book, questions, answers, options and evidence, so a model
// must read the text rather than recall the novel.
//
// Scope decisions:
// - Fictional people, the ship Pequod, the whale, Queequeg's idol and home island are renamed.
// - Real places (Nantucket, New Bedford, Martha's Vineyard, Cape Cod, Lima…) and real firms/families
//   (Enderby, Coffin, Macey) are kept: renaming them would only turn true geography into noise.
// - Descriptors are kept ("the White Whale", "the Parsee", "King-Post"): they are not names.
// - Other ships (Rachel, Jeroboam, Bachelor…) are kept: several are also ordinary or biblical words.
// - Names that are also common English words (flask, fleece, charity) are renamed only when
//   capitalised or upper-case; the lower-case word is the noun ("a flask of fresh water").

export type EntityKind = "character" | "ship" | "whale" | "place" | "idol";

export interface EntityRename {
  /** Canonical spelling; words separated by a space or hyphen ("Moby Dick", "Dough-Boy"). */
  original: string;
  /** Invented name with the same number of words. */
  replacement: string;
  kind: EntityKind;
  /** The lower-case form is an ordinary word: only capitalised / upper-case forms are renamed. */
  commonWord?: boolean;
  /** Also rename a plural in "s" ("all of us are Ahabs", "many are the Dericks"). */
  plural?: boolean;
}

export const ENTITY_RENAMES: readonly EntityRename[] = [
  { original: "Ishmael", replacement: "Orwin", kind: "character" },
  { original: "Ahab", replacement: "Varrick", kind: "character", plural: true },
  { original: "Queequeg", replacement: "Kalotu", kind: "character" },
  { original: "Quohog", replacement: "Kalohog", kind: "character" }, // Peleg's garbling of Queequeg
  { original: "Starbuck", replacement: "Hollowell", kind: "character" },
  { original: "Stubb", replacement: "Dunmore", kind: "character" },
  { original: "Flask", replacement: "Pellin", kind: "character", commonWord: true },
  { original: "Tashtego", replacement: "Wanaquet", kind: "character" },
  { original: "Tash", replacement: "Wana", kind: "character" }, // Stubb's and Ahab's nickname for him
  { original: "Daggoo", replacement: "Mbaruk", kind: "character" },
  { original: "Fedallah", replacement: "Zerahin", kind: "character" },
  { original: "Bildad", replacement: "Ezrach", kind: "character" },
  { original: "Peleg", replacement: "Jothan", kind: "character" },
  { original: "Mapple", replacement: "Quenby", kind: "character" },
  { original: "Elijah", replacement: "Obadon", kind: "character" },
  { original: "Pippin", replacement: "Tobinet", kind: "character" },
  { original: "Pip", replacement: "Tobi", kind: "character" },
  { original: "Bulkington", replacement: "Wexcombe", kind: "character" },
  { original: "Perth", replacement: "Harlock", kind: "character" },
  { original: "Fleece", replacement: "Brannock", kind: "character", commonWord: true },
  { original: "Dough-Boy", replacement: "Suet-Lad", kind: "character" },
  { original: "Charity", replacement: "Prudella", kind: "character", commonWord: true },
  { original: "Hussey", replacement: "Pettibone", kind: "character" },
  { original: "Gabriel", replacement: "Ezekah", kind: "character" },
  { original: "Mayhew", replacement: "Wyckham", kind: "character" },
  { original: "Derick", replacement: "Joost", kind: "character", plural: true },
  { original: "Boomer", replacement: "Haskett", kind: "character" },
  { original: "Bunger", replacement: "Quillam", kind: "character" },
  { original: "Gardiner", replacement: "Prescott", kind: "character" },
  { original: "Steelkilt", replacement: "Jarnvik", kind: "character" },
  { original: "Radney", replacement: "Corliss", kind: "character" },
  { original: "Pequod", replacement: "Ossyra", kind: "ship" },
  { original: "Moby Dick", replacement: "Vessa Korrow", kind: "whale" },
  { original: "Yojo", replacement: "Tikku", kind: "idol" },
  { original: "Rokovoko", replacement: "Malavanu", kind: "place" },
];

const WORD_CHAR = "[\\p{L}\\p{N}_]";
const SEPARATOR = "[\\s-]+"; // "Moby Dick", "Moby-Dick", and a line break inside the name
const WORD_SPLIT = /[ -]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function entityPattern(entity: EntityRename): string {
  const words = entity.original.split(WORD_SPLIT).map(escapeRegExp).join(SEPARATOR);
  return entity.plural ? `${words}s?` : words;
}

function normalizedKey(text: string): string {
  return text.toLowerCase().split(/[\s-]+/).join(" ");
}

/** A substitution over a fixed list of renames; `apply` is a single left-to-right pass. */
export class EntitySubstitution {
  private readonly pattern: RegExp;
  private readonly byKey = new Map<string, EntityRename>();

  constructor(readonly renames: readonly EntityRename[] = ENTITY_RENAMES) {
    for (const entity of renames) {
      if (entity.original.split(WORD_SPLIT).length !== entity.replacement.split(WORD_SPLIT).length) {
        throw new Error(`rename ${entity.original} → ${entity.replacement}: word counts differ`);
      }
      this.byKey.set(normalizedKey(entity.original), entity);
    }
    // Longest first so that, at one position, "Pippin" wins over "Pip" and "Tashtego" over "Tash".
    const alternatives = [...renames]
      .sort((a, b) => b.original.length - a.original.length)
      .map(entityPattern)
      .join("|");
    this.pattern = new RegExp(`(?<!${WORD_CHAR})(?:${alternatives})(?!${WORD_CHAR})`, "giu");
  }

  /** Replaces every renamed entity in `text`, keeping its case pattern (AHAB → VARRICK) and separators. */
  apply(text: string): string {
    return text.replace(this.pattern, (match) => this.replaceMatch(match));
  }

  private replaceMatch(match: string): string {
    let key = normalizedKey(match);
    let entity = this.byKey.get(key);
    let suffix = "";
    if (!entity && key.endsWith("s")) {
      key = key.slice(0, -1);
      entity = this.byKey.get(key);
      suffix = match.slice(-1);
    }
    if (!entity) return match; // unreachable: the pattern only matches known names
    if (entity.commonWord && match[0] === match[0]!.toLowerCase()) return match;

    const name = suffix ? match.slice(0, -1) : match;
    let replacement = entity.replacement;
    if (name === name.toUpperCase()) replacement = replacement.toUpperCase();
    else if (name === name.toLowerCase()) replacement = replacement.toLowerCase();

    // Reuse the separators actually found between the words of the name.
    const separators = name.match(/[\s-]+/g) ?? [];
    const words = replacement.split(WORD_SPLIT);
    return words.map((word, i) => word + (separators[i] ?? "")).join("") + suffix;
  }

  /**
   * Original names still present in `text`, with the same boundary rules: case-insensitive, except
   * that common-word names only count when capitalised (the noun "flask" is not a name).
   */
  survivingNames(text: string): string[] {
    const found = new Set<string>();
    for (const entity of this.renames) {
      const flags = entity.commonWord ? "u" : "iu";
      const pattern = new RegExp(`(?<!${WORD_CHAR})${entityPattern(entity)}(?!${WORD_CHAR})`, flags);
      if (pattern.test(text)) found.add(entity.original);
      if (entity.commonWord && new RegExp(`(?<!${WORD_CHAR})${entity.original.toUpperCase()}(?!${WORD_CHAR})`, "u").test(text)) {
        found.add(entity.original);
      }
    }
    return [...found];
  }
}

/** The Moby-Dick substitution used by the built-in dataset. */
export const mobyDickSubstitution = new EntitySubstitution();
