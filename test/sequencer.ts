// Test files in the order vitest chooses (slowest first, from its cache of the last run's timings),
// except that the files below lead their project. A clean clone has no such cache, and vitest then
// runs the largest files first: the crash and fault tests are small files with long runs, so they
// came last and ran on after every other e2e file had finished.
import { BaseSequencer, type TestSpecification } from "vitest/node";

const SLOW_SMALL_FILES = ["test/e2e/crash.test.ts", "test/e2e/faults.test.ts", "test/e2e/paper-grid.test.ts"];

const rankOf = (spec: TestSpecification) => {
  const rank = SLOW_SMALL_FILES.findIndex((path) => spec.moduleId.endsWith(path));
  return rank === -1 ? SLOW_SMALL_FILES.length : rank;
};

export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const position = new Map(sorted.map((spec, i) => [spec, i]));
    // Projects stay where vitest put them (each one contiguous); inside one, the listed files lead.
    return [...sorted].sort((a, b) =>
      a.project.name !== b.project.name ? position.get(a)! - position.get(b)! : rankOf(a) - rankOf(b) || position.get(a)! - position.get(b)!,
    );
  }
}
