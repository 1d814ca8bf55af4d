// The needle grid: which context lengths and depths a run probes (paper protocol §1.4).

/**
 * `np.round(np.linspace(min, max, n))` exactly: numpy computes `i * step + min` with
 * `step = (max - min) / (n - 1)`, sets the last point to `max`, then rounds half to even.
 */
export function linspaceRounded(min: number, max: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`linspaceRounded: n must be a positive integer, got ${n}`);
  if (n === 1) return [roundHalfToEven(min)];
  const step = (max - min) / (n - 1);
  const points: number[] = [];
  for (let i = 0; i < n; i++) points.push(roundHalfToEven(i === n - 1 ? max : i * step + min));
  return points;
}

/** Rounds to the nearest integer, ties to the even one (numpy / IEEE rint), unlike Math.round. */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The paper's 40 lengths: 1000, 4256, 7513, ..., 124744, 128000. */
export const PAPER_CONTEXT_LENGTHS: readonly number[] = linspaceRounded(1000, 128000, 40);
/** The paper's 10 depths: 0, 11, 22, 33, 44, 56, 67, 78, 89, 100. */
export const PAPER_DEPTH_PERCENTS: readonly number[] = linspaceRounded(0, 100, 10);

/** Upstream gkamradt's published GPT-4-128K run: 15 lengths x 15 depths. */
export const KAMRADT_CONTEXT_LENGTHS: readonly number[] = linspaceRounded(1000, 128000, 15);
export const KAMRADT_DEPTH_PERCENTS: readonly number[] = linspaceRounded(0, 100, 15);

export const QUICK_DEPTH_PERCENTS: readonly number[] = linspaceRounded(0, 100, 5); // 0, 25, 50, 75, 100

/**
 * Smallest context length accepted: the paper reserves 200 tokens (final_context_length_buffer),
 * the needle takes 22-30 tokens depending on the tokenizer, and we want at least ~70 tokens of
 * haystack around it, so 300.
 */
export const MIN_CONTEXT_LENGTH = 300;

export const NEEDLE_GRID_PRESETS = ["paper", "kamradt", "quick"] as const;
export type NeedleGridPreset = (typeof NEEDLE_GRID_PRESETS)[number];

export interface NeedleGridRequest {
  preset?: NeedleGridPreset;
  context_lengths?: readonly number[];
  depth_percents?: readonly number[];
}

export interface NeedleGrid {
  contextLengths: number[];
  depthPercents: number[];
}

export interface GridIssue {
  /** A JSON-pointer-like path into the request ("context_lengths/3"). */
  field: string;
  detail: string;
}

/** A refused grid with every problem found; `field`/`detail` are the first. */
export class GridError extends Error {
  readonly issues: readonly GridIssue[];
  constructor(field: string, detail: string, more: readonly GridIssue[] = []) {
    super(`${field}: ${detail}${more.length ? ` (and ${more.length} more)` : ""}`);
    this.name = "GridError";
    this.issues = [{ field, detail }, ...more];
  }
  get field(): string {
    return this.issues[0]!.field;
  }
  get detail(): string {
    return this.issues[0]!.detail;
  }
  static of(issues: readonly GridIssue[]): GridError {
    return new GridError(issues[0]!.field, issues[0]!.detail, issues.slice(1));
  }
}

/**
 * `quick`: 6 lengths from 1000 to min(context_window, 128000) (numpy-style rounded linspace; with a
 * window under 1000 they start at the window's own minimum, and repeated values are dropped), by
 * 5 depths 0, 25, 50, 75, 100. The largest length never exceeds the context window.
 */
export function quickContextLengths(contextWindow: number): number[] {
  const max = Math.min(contextWindow, 128000);
  if (max < MIN_CONTEXT_LENGTH) {
    throw new GridError("context_window", `must be at least ${MIN_CONTEXT_LENGTH} tokens, got ${contextWindow}`);
  }
  return [...new Set(linspaceRounded(Math.min(1000, max), max, 6))];
}

function presetGrid(preset: NeedleGridPreset, contextWindow: number): { lengths: readonly number[]; depths: readonly number[] } {
  switch (preset) {
    case "paper":
      return { lengths: PAPER_CONTEXT_LENGTHS, depths: PAPER_DEPTH_PERCENTS };
    case "kamradt":
      return { lengths: KAMRADT_CONTEXT_LENGTHS, depths: KAMRADT_DEPTH_PERCENTS };
    case "quick":
      return { lengths: quickContextLengths(contextWindow), depths: QUICK_DEPTH_PERCENTS };
    default:
      throw new GridError("preset", `unknown preset "${String(preset)}"; expected one of ${NEEDLE_GRID_PRESETS.join(", ")}`);
  }
}

/**
 * Resolves a request into the grid to run. The preset (default "paper") supplies each axis the
 * request does not list explicitly; an explicit list replaces the preset's list for that axis.
 * Nothing is dropped or reordered silently: an invalid value refuses the whole grid.
 *
 * `replyTokens` is the model's max_output_tokens where it is set: a probe's call asks for that many
 * tokens after a prompt of up to its length, and a server refuses (vLLM: "maximum context length")
 * or cuts a call that does not fit, so each length plus the reply must fit the window. Without it,
 * lengths are checked against the window alone, as the paper's grid is (its longest, 128000, leaves
 * room for its 50- or 300-token replies in a 131072-token window).
 */
export function resolveNeedleGrid(request: NeedleGridRequest, contextWindow: number, replyTokens = 0): NeedleGrid {
  if (!Number.isInteger(contextWindow) || contextWindow < MIN_CONTEXT_LENGTH) {
    throw new GridError("context_window", `must be an integer >= ${MIN_CONTEXT_LENGTH}, got ${contextWindow}`);
  }
  const room = { contextWindow, replyTokens, longest: contextWindow - replyTokens };
  if (room.longest < MIN_CONTEXT_LENGTH) {
    throw new GridError("context_window", `${contextWindow} leaves ${Math.max(0, room.longest)} tokens for a prompt after max_output_tokens ${replyTokens}; a needle prompt needs ${MIN_CONTEXT_LENGTH}`);
  }
  const presetName = request.preset ?? "paper";
  const needsPreset = request.context_lengths === undefined || request.depth_percents === undefined;
  const preset = needsPreset ? presetGrid(presetName, room.longest) : undefined;

  // Every bad entry of both lists is reported at once, not just the first.
  const issues: GridIssue[] = [];
  let contextLengths: number[];
  if (request.context_lengths !== undefined) {
    contextLengths = checkContextLengths(request.context_lengths, room, "context_lengths", issues);
  } else {
    contextLengths = [...preset!.lengths];
    const tooLong = contextLengths.findIndex((length) => length > room.longest);
    if (tooLong !== -1) {
      issues.push({
        field: "preset",
        detail:
          `preset "${presetName}" includes context length ${contextLengths[tooLong]} (index ${tooLong}), which ${aboveWindow(room)}; ` +
          `pass context_lengths explicitly or use preset "quick"`,
      });
    }
  }

  const depthPercents =
    request.depth_percents !== undefined ? checkDepthPercents(request.depth_percents, "depth_percents", issues) : [...preset!.depths];
  if (issues.length) throw GridError.of(issues);
  return { contextLengths, depthPercents };
}

interface Room {
  contextWindow: number;
  replyTokens: number;
  /** The longest length whose prompt and reply fit the window. */
  longest: number;
}

/** "is above context_window W", or with a reply budget "plus max_output_tokens M is above context_window W (at most L)". */
const aboveWindow = (room: Room) =>
  room.replyTokens ? `plus max_output_tokens ${room.replyTokens} is above context_window ${room.contextWindow} (at most ${room.longest})` : `is above context_window ${room.contextWindow}`;

function checkContextLengths(lengths: readonly number[], room: Room, field: string, issues: GridIssue[]): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0) {
    issues.push({ field, detail: "must be a non-empty list" });
    return [];
  }
  const seen = new Set<number>();
  lengths.forEach((length, i) => {
    const at = `${field}/${i}`;
    const problem = !Number.isInteger(length)
      ? `must be an integer, got ${length}`
      : length < MIN_CONTEXT_LENGTH
        ? `${length} is below the minimum ${MIN_CONTEXT_LENGTH} (200-token buffer + needle + some haystack)`
        : length > room.longest
          ? `${length} ${aboveWindow(room)}`
          : seen.has(length)
            ? `duplicate context length ${length}`
            : null;
    if (problem) issues.push({ field: at, detail: problem });
    seen.add(length);
  });
  return [...lengths];
}

function checkDepthPercents(depths: readonly number[], field: string, issues: GridIssue[]): number[] {
  if (!Array.isArray(depths) || depths.length === 0) {
    issues.push({ field, detail: "must be a non-empty list" });
    return [];
  }
  const seen = new Set<number>();
  depths.forEach((depth, i) => {
    const at = `${field}/${i}`;
    if (typeof depth !== "number" || !Number.isFinite(depth) || depth < 0 || depth > 100) {
      issues.push({ field: at, detail: `must be a number from 0 to 100, got ${depth}` });
    } else if (seen.has(depth)) {
      issues.push({ field: at, detail: `duplicate depth ${depth}` });
    }
    seen.add(depth);
  });
  return [...depths];
}
