// The browser tests' decision (test/e2e/browser-check.ts) and the end-of-run lines for skipped tests
// (test/reporters/skips.ts): a missing chromium is said at the end locally, and fails CI.
import { describe, expect, it } from "vitest";
import { checkBrowser, DEFAULT_CHROMIUM_PATH, isCi } from "../../e2e/browser-check";
import { skipSummary } from "../../reporters/skips";

const nowhere = () => false;

describe("the browser check", () => {
  it("runs the browser tests with the chromium it finds, at CHROMIUM_PATH or the Debian path", () => {
    expect(checkBrowser({}, (path) => path === DEFAULT_CHROMIUM_PATH)).toEqual({ kind: "run", path: DEFAULT_CHROMIUM_PATH });
    expect(checkBrowser({ CHROMIUM_PATH: "/opt/chrome" }, (path) => path === "/opt/chrome")).toEqual({ kind: "run", path: "/opt/chrome" });
    expect(checkBrowser({ CHROMIUM_PATH: "/opt/chrome", CI: "true" }, (path) => path === DEFAULT_CHROMIUM_PATH).kind).toBe("fail");
  });

  it("without a browser skips with the reason locally, and fails with CI set", () => {
    const local = checkBrowser({}, nowhere);
    expect(local.kind).toBe("skip");
    expect(local).toMatchObject({ reason: expect.stringContaining(`chromium not found at ${DEFAULT_CHROMIUM_PATH} (set CHROMIUM_PATH`) });
    const ci = checkBrowser({ CI: "true" }, nowhere);
    expect(ci.kind).toBe("fail");
    expect(ci).toMatchObject({ reason: expect.stringContaining("CI=true requires the browser tests to run") });
  });

  it("reads CI as most CI services set it, and CI=false or empty as not CI", () => {
    for (const value of ["true", "1", "yes", "TRUE"]) expect(isCi({ CI: value }), value).toBe(true);
    for (const value of [undefined, "", "0", "false", "False"]) expect(isCi({ CI: value }), String(value)).toBe(false);
  });
});

describe("the skip summary", () => {
  it("gives one line per file and reason, with the count", () => {
    const note = "chromium not found at /usr/bin/chromium";
    expect(
      skipSummary([
        { file: "test/e2e/page.test.ts", note },
        { file: "test/e2e/page.test.ts", note },
        { file: "test/e2e/other.test.ts", note },
      ]),
    ).toEqual([`skipped: 2 tests in test/e2e/page.test.ts: ${note}`, `skipped: 1 test in test/e2e/other.test.ts: ${note}`]);
    expect(skipSummary([])).toEqual([]);
  });
});
