// startup — the Worker's start-up CPU (evaluating its global scope), as `wrangler check startup`
// profiles it in a local workerd. Cloudflare allows 1 s; the budget here is 400 ms on this machine.
//
// The production bundle is built once (`wrangler deploy --dry-run --outfile`, the bundle check
// startup builds itself), then profiled `runs` times with `check startup --worker`. A run's figure
// is the CPU the profile sampled: every sample interval except (idle) ones. Self time is attributed
// to the bundle's source modules through esbuild's `// path` markers in the main module.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, round } from "./stats";

const TARGET_MS = 400;
const WRANGLER = "node_modules/wrangler/bin/wrangler.js";

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function wrangler(args: string[]): void {
  execFileSync(process.execPath, [WRANGLER, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } });
}

/** The main module's source from a `wrangler deploy --outfile` bundle (multipart form data). */
async function mainModuleSource(bundlePath: string): Promise<string> {
  const bytes = readFileSync(bundlePath);
  const boundary = bytes.subarray(2, bytes.indexOf("\r\n")).toString("latin1");
  const form = await new Response(bytes, { headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }).formData();
  const metadata = JSON.parse(String(form.get("metadata"))) as { main_module: string };
  // Node's FormData holds a Blob here; the Workers types in scope do not describe Node's.
  const main = form.get(metadata.main_module) as unknown as Blob | string | null;
  if (!main || typeof main === "string") throw new Error(`bundle ${bundlePath} has no main module ${metadata.main_module}`);
  return main.text();
}

/** Maps a 0-based line of the bundle to the source module esbuild placed there. */
export function moduleLocator(source: string): (line: number) => string {
  const starts: { line: number; path: string }[] = [];
  source.split("\n").forEach((text, line) => {
    const marker = /^\/\/ (\S+\.(?:[cm]?[jt]sx?|json))$/.exec(text);
    if (marker) starts.push({ line, path: marker[1]! });
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = "(bundle prelude)";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.line <= line) (found = starts[mid]!.path), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found;
  };
}

/**
 * Where a sample's self time belongs. esbuild wraps each lazily evaluated module in `__init`; its
 * callee is the module body, a function named after the module's path. Self time in `__init`
 * (V8 compiling and entering that body) goes to that module, or, when the profile caught no
 * callee, to the module whose body called it. Code at line -1 is the bundle's top level.
 */
function placeOf(node: CpuProfileNode, tree: ProfileTree, locate: (line: number) => string) {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url.endsWith("index.js")) return { name: functionName, file: url || "(V8)" };
  if (lineNumber < 0) return { name: "(top-level code)", file: "(bundle top level)" };
  if (functionName === "__init") {
    const isModule = (id: number | undefined) => (id === undefined ? "" : tree.byId.get(id)!.callFrame.functionName).includes("/");
    const body = (node.children ?? []).find(isModule);
    if (body !== undefined) return { name: "(module init)", file: tree.byId.get(body)!.callFrame.functionName };
    const caller = tree.parent.get(node.id);
    if (isModule(caller)) return { name: "(init of a module it imports)", file: tree.byId.get(caller!)!.callFrame.functionName };
  }
  return { name: functionName || "(anonymous)", file: locate(lineNumber) };
}

interface ProfileTree {
  byId: Map<number, CpuProfileNode>;
  parent: Map<number, number>;
}

/** Self time (µs) per function and per file of one profile, idle excluded, and its CPU total. */
export function selfTimes(profile: CpuProfile, locate: (line: number) => string) {
  const tree: ProfileTree = { byId: new Map(profile.nodes.map((node) => [node.id, node])), parent: new Map() };
  for (const node of profile.nodes) for (const child of node.children ?? []) tree.parent.set(child, node.id);
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let cpuUs = 0;
  profile.samples.forEach((id, i) => {
    const node = tree.byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") return;
    const delta = profile.timeDeltas[i] ?? 0;
    cpuUs += delta;
    const { name, file } = placeOf(node, tree, locate);
    functions.set(`${name} ${file}`, (functions.get(`${name} ${file}`) ?? 0) + delta);
    files.set(file, (files.get(file) ?? 0) + delta);
  });
  return { cpuUs, functions, files };
}

function top(totals: Map<string, number>, runs: number, key: "function" | "file") {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, us]) => ({ [key]: name, self_ms: round(us / runs / 1000, 1) }));
}

export async function startup(runs = 3) {
  console.error(`startup: building the bundle, then \`wrangler check startup\` ${runs}×…`);
  const dir = mkdtempSync(join(tmpdir(), "ctxprobe-bench-startup-"));
  try {
    const bundle = join(dir, "worker.bundle");
    wrangler(["deploy", "--dry-run", `--outfile=${bundle}`]);
    const locate = moduleLocator(await mainModuleSource(bundle));
    const functions = new Map<string, number>();
    const files = new Map<string, number>();
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const outfile = join(dir, `startup-${i}.cpuprofile`);
      wrangler(["check", "startup", "--worker", bundle, "--outfile", outfile]);
      const profile = JSON.parse(readFileSync(outfile, "utf8")) as CpuProfile;
      const times = selfTimes(profile, locate);
      cpu.push(times.cpuUs / 1000);
      wall.push((profile.endTime - profile.startTime) / 1000);
      for (const [name, us] of times.functions) functions.set(name, (functions.get(name) ?? 0) + us);
      for (const [name, us] of times.files) files.set(name, (files.get(name) ?? 0) + us);
    }
    const ms = round(median(cpu), 0);
    return {
      measure: "wrangler check startup .cpuprofile: sampled time without (idle), median of the runs",
      ms,
      target_ms: TARGET_MS,
      meets_target: ms <= TARGET_MS,
      runs_ms: cpu.map((x) => round(x, 0)),
      profile_wall_ms: wall.map((x) => round(x, 0)),
      bundle_kib: Math.round(readFileSync(bundle).length / 1024),
      top_functions: top(functions, runs, "function"),
      top_files: top(files, runs, "file"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
