// The test run's console output, for a person: one line per test file (failing tests listed under
// theirs), then vitest's summary, then a line per reason tests were skipped for (test/reporters/skips.ts).
// Console output of tests and of the Worker under test (its JSON event logs) is shown only for
// failing tests (`silent: "passed-only"` in vitest.config.ts) and always written to CONSOLE_LOG.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { stripVTControlCharacters } from "node:util";
import type { SerializedError, UserConsoleLog } from "vitest";
import { DefaultReporter, type TestCase, type TestModule, type TestModuleState, type TestResult, type TestRunEndReason, type TestSpecification } from "vitest/node";
import { CONSOLE_LOG, LOG_DIR } from "./paths";
import { skipSummary, type SkippedTest } from "./skips";

export default class QuietReporter extends DefaultReporter {
  override onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    mkdirSync(dirname(CONSOLE_LOG), { recursive: true });
    writeFileSync(CONSOLE_LOG, "");
    super.onTestRunStart(specifications);
  }

  // Vitest calls this once as a log arrives (taskState undefined) and again for a failed test's logs.
  override onUserConsoleLog(log: UserConsoleLog, taskState?: TestResult["state"]): void {
    if (taskState === undefined) appendFileSync(CONSOLE_LOG, `${log.type} | ${this.logSource(log)}\n${log.content}\n`);
    super.onUserConsoleLog(log, taskState);
  }

  // Passing tests, slow ones included, stay out of the output; their file's line counts them.
  protected override printTestCase(moduleState: TestModuleState, test: TestCase): void {
    if (moduleState === "failed" || test.result().state === "failed") super.printTestCase(moduleState, test);
  }

  override onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    super.onTestRunEnd(modules, errors, reason);
    const failed = modules.some((module) => module.state() === "failed") || errors.length > 0;
    if (failed) this.log(`Logs of the services under test and all console output: ${LOG_DIR}/`);
    for (const line of skipSummary(skippedWithNotes(modules, this.ctx.config.root))) this.log(line);
  }

  private logSource(log: UserConsoleLog): string {
    const task = log.taskId ? this.ctx.state.idMap.get(log.taskId) : undefined;
    return task ? stripVTControlCharacters(this.getFullName(task, " > ")) : "unknown test";
  }
}

function skippedWithNotes(modules: ReadonlyArray<TestModule>, root: string): SkippedTest[] {
  return modules.flatMap((module) =>
    [...module.children.allTests("skipped")].flatMap((test) => {
      const result = test.result();
      return result.state === "skipped" && result.note ? [{ file: relative(root, module.moduleId), note: result.note }] : [];
    }),
  );
}
