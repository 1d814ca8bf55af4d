// The ctxprobe command line: dispatch to a subcommand, turn errors into messages and exit codes.
import { DEFAULT_URL } from "./client";
import { evalCommand } from "./eval";
import { CliError, EXIT, helpOrUsage, UsageError, writeLine, type CliIo } from "./io";
import { runsCommand } from "./runs";
import { scoreCommand } from "./score";
import { corporaCommand, datasetsCommand } from "./uploads";

export const MAIN_HELP = `Usage: ctxprobe <command> [options]

Evaluate long-context models with a ctxprobe service, from a terminal or CI.

Commands
  eval              submit a run (needle grid, optional book QA); --wait follows it, --fail-under gates CI
  runs list         runs, newest first
  runs show ID      status, progress, scores and the needle heatmap of a run
  runs cancel ID    stop a run
  score             score an InfiniteBench prediction file offline (both book QA metrics)
  datasets import   upload a book QA dataset (InfiniteBench JSON lines)
  corpora upload    upload a haystack corpus (a folder of .txt files)

Service: --url or $CTXPROBE_URL (default ${DEFAULT_URL}); $CTXPROBE_TOKEN is sent as a bearer token.
Exit codes: 0 ok, 1 the service refused or failed (or --fail-under), 2 bad arguments or input.
Run "ctxprobe <command> --help" for a command's options.
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  eval: evalCommand,
  runs: runsCommand,
  score: scoreCommand,
  datasets: datasetsCommand,
  corpora: corporaCommand,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    // `ctxprobe help eval` is `ctxprobe eval --help`.
    if (name === "help" && rest[0] && COMMANDS[rest[0]]) return main([rest[0], "--help"], io);
    return helpOrUsage(io, MAIN_HELP, name);
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `ctxprobe: unknown command "${name}"\n  see ctxprobe --help`);
    return EXIT.usage;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    return reportError(error, name, io);
  }
}

export function reportError(error: unknown, commandName: string, io: CliIo): number {
  if (error instanceof UsageError) {
    writeLine(io.stderr, `ctxprobe ${commandName}: ${error.message}\n  see ctxprobe ${commandName} --help`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    writeLine(io.stderr, `ctxprobe ${commandName}: ${error.message}`);
    return error.exitCode;
  }
  writeLine(io.stderr, `ctxprobe ${commandName}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.failure;
}
