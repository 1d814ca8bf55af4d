/**
 * How a built-in corpus joins its documents: each document trimmed of surrounding whitespace,
 * then joined with a blank line ("\n\n"). The paper concatenated its essays with no separator;
 * we keep a paragraph break so no sentence runs into the next document's first word.
 */
export const DOCUMENT_SEPARATOR = "\n\n";

export function joinDocuments(texts: readonly string[]): string {
  return texts.map((text) => text.trim()).join(DOCUMENT_SEPARATOR);
}
