// The shapes of the non-literal needle set: needle/question pairs about a character slot whose
// answer is the character's name, with distractors that look like answers but are not.

export const NEEDLE_KINDS = ["literal", "one_hop", "two_hop"] as const;
/**
 * literal: the question repeats the needle's key words (the control);
 * one_hop: no content word shared, one step of world knowledge links them;
 * two_hop: no content word shared, two steps link them.
 */
export type NeedleKind = (typeof NEEDLE_KINDS)[number];

/** The slot in a needle that a character's name fills at probe time. */
export const CHARACTER_SLOT = "{CHAR}";

export interface Distractor {
  /** A sentence with high lexical overlap with the question that does not answer it; no character slot. */
  text: string;
  /** The person it names (one word of `text`): a response naming it was distracted. */
  entity: string;
}

export interface NeedlePair {
  /** Stable id, e.g. "oh-07"; never reused for a different pair. */
  id: string;
  kind: NeedleKind;
  /** One sentence holding CHARACTER_SLOT once, ending in a period. */
  needle: string;
  /** One question ending in "?" whose answer is the character. */
  question: string;
  /** The inference a reader must make, for auditors ("Atomium → Brussels → Belgium"); "" for literal pairs. */
  link: string;
  /** Exactly four: a prompt carries 0, 1 or 4 of them. */
  distractors: readonly Distractor[];
}
