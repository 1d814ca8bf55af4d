// Argument helpers on top of node:util parseArgs: strict parsing whose mistakes become usage
// errors (exit 2), and typed conversions for numbers, lists and enums.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./io";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs in strict mode; unknown options or missing values become a UsageError for `command`. */
export function parseCommandArgs<const O extends Options>(command: string, argv: string[], options: O, maxPositionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs messages are good ("Unknown option '--x'"), only the Node-specific advice is noise.
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, "") : String(error);
    throw new UsageError(message, command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`, command);
  }
  return parsed;
}

/** A whole number, e.g. "131072"; `name` is the option as the user typed it. */
export function parseInteger(name: string, text: string, { min = Number.MIN_SAFE_INTEGER } = {}): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${name} must be a whole number, got "${text}"`);
  if (value < min) throw new UsageError(`${name} must be at least ${min}, got ${value}`);
  return value;
}

/** "1000,8000,16000" → [1000, 8000, 16000]. */
export function parseIntegerList(name: string, text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => p === "")) throw new UsageError(`${name} must be a comma-separated list of whole numbers, got "${text}"`);
  return parts.map((p) => parseInteger(name, p));
}

/** A number such as a score threshold, e.g. "90" or "87.5". */
export function parseNumber(name: string, text: string, { min = -Infinity, max = Infinity } = {}): number {
  const value = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`${name} must be a number, got "${text}"`);
  if (value < min || value > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function parseChoice<const T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${name} must be one of ${choices.join(", ")}, got "${text}"`);
  return text as T;
}

export function requirePositional(command: string, positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined || value === "") throw new UsageError(`missing ${what}`, command);
  return value;
}
