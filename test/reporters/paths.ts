// Where test runs leave their logs (git-ignored, under test-artifacts/ like the JSON report).
export const LOG_DIR = "test-artifacts/logs";
/** All console output of the last run, passing tests included (test/reporters/quiet.ts). */
export const CONSOLE_LOG = `${LOG_DIR}/console.log`;
