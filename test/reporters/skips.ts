// The end-of-run lines for tests skipped with a reason (`context.skip(reason)`), so a skip nobody
// meant (a missing browser, say) is said where people look: after the summary.

export interface SkippedTest {
  /** The test file, relative to the project root. */
  file: string;
  note: string;
}

/** One line per file and reason, e.g. "skipped: 4 tests in test/e2e/page.test.ts: chromium not found …". */
export function skipSummary(skipped: readonly SkippedTest[]): string[] {
  const groups = new Map<string, { file: string; note: string; count: number }>();
  for (const { file, note } of skipped) {
    const key = `${file}\u0000${note}`;
    const group = groups.get(key) ?? { file, note, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()].map(({ file, note, count }) => `skipped: ${count} test${count === 1 ? "" : "s"} in ${file}: ${note}`);
}
