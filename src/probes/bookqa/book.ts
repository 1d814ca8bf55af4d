// The original (unsubstituted) text of Moby-Dick as one string: chapters 1–135, each under a
// "CHAPTER N. Title" heading like the package's .txt files, then the Epilogue. The front matter
// (contents, etymology, extracts) is left out: it is not part of the narrative. The chapters'
// module (~1.2 MB of JSON) is pulled in by a dynamic import() on first use, not at start-up.
import type { MobyDickSection } from "./moby-dick-chapters";

export function chapterHeading(section: MobyDickSection): string {
  return `CHAPTER ${section.chapter}. ${section.title}`;
}

const chapters = () => import("./moby-dick-chapters");

/** Text of chapter `n` (1–135) without its heading. */
export async function mobyDickChapterText(n: number): Promise<string> {
  const section = (await chapters()).MOBY_DICK_CHAPTERS[n - 1];
  if (!section || Number(section.chapter) !== n) throw new RangeError(`no chapter ${n}`);
  return section.text;
}

let cached: Promise<string> | undefined;

export function mobyDickOriginalText(): Promise<string> {
  cached ??= chapters().then(({ MOBY_DICK_CHAPTERS, MOBY_DICK_EPILOGUE }) =>
    [
      ...MOBY_DICK_CHAPTERS.map((section) => `${chapterHeading(section)}\n\n${section.text}`),
      MOBY_DICK_EPILOGUE.text, // already begins with its own heading
    ].join("\n\n"),
  );
  return cached;
}
