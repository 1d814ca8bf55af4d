// What a command may touch of the outside world. Commands receive it instead of using `process`
// directly, so tests can run them with fake streams, environment, clock and fetch.

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export function writeLine(stream: OutputStream, text = ""): void {
  stream.write(text + "\n");
}

/** Exit codes: 0 success, 1 the service said no (API or network error, failed gate), 2 bad input from the user. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** An error the CLI reports as a message (no stack trace) with a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** Wrong arguments: exit 2 and point at the command's --help. */
export class UsageError extends CliError {
  constructor(message: string, readonly command?: string) {
    super(message, EXIT.usage);
  }
}

/** Asked-for help goes to stdout (exit 0); help shown because a subcommand is missing goes to stderr (exit 2). */
export function helpOrUsage(io: CliIo, help: string, sub: string | undefined): number {
  if (sub === undefined) {
    io.stderr.write(help);
    return EXIT.usage;
  }
  io.stdout.write(help);
  return EXIT.ok;
}
