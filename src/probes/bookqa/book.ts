// The original (unsubstituted) text of Moby-Dick as one string: chapters 1–135, each under a
// "CHAPTER N. Title" heading like the package's .txt files, then the Epilogue. The front matter
// (contents, etymology, extracts) is left out: it is not part of the narrative.
import { MOBY_DICK_CHAPTERS, MOBY_DICK_EPILOGUE, type MobyDickSection } from "./moby-dick-chapters";

export function chapterHeading(section: MobyDickSection): string {
  return `CHAPTER ${section.chapter}. ${section.title}`;
}

/** Text of chapter `n` (1–135) without its heading. */
export function mobyDickChapterText(n: number): string {
  const section = MOBY_DICK_CHAPTERS[n - 1];
  if (!section || Number(section.chapter) !== n) throw new RangeError(`no chapter ${n}`);
  return section.text;
}

let cached: string | undefined;

export function mobyDickOriginalText(): string {
  cached ??= [
    ...MOBY_DICK_CHAPTERS.map((section) => `${chapterHeading(section)}\n\n${section.text}`),
    MOBY_DICK_EPILOGUE.text, // already begins with its own heading
  ].join("\n\n");
  return cached;
}
