// The layout's rules, checked on the code's own imports (type-only imports included): every import
// points down the layers (README, "How the code is laid out"), and no files import each other in a circle.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(__dirname, "../../src");

/** Higher numbers may import lower ones (and their own layer), never the other way. */
const LAYERS: [prefix: string, layer: number][] = [
  ["common/", 0],
  ["config.ts", 0],
  ["security/", 0],
  ["probes/", 1],
  ["contract/", 2],
  ["reference/", 2],
  ["db/", 3],
  ["accounts/", 4],
  ["catalog/", 4],
  ["lifecycle/", 5],
  ["http/", 6],
  ["api/", 7],
  ["web/", 7],
  ["app.tsx", 8],
  ["index.ts", 9],
  ["cli/", 9],
];

function layerOf(file: string): number {
  const match = LAYERS.find(([prefix]) => file === prefix || file.startsWith(prefix));
  if (!match) throw new Error(`${file} is in no layer: add its folder to LAYERS (and to the README's picture)`);
  return match[1];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [relative(SRC, path)] : [];
  });
}

const files = sourceFiles(SRC);
const known = new Set(files);

function resolveImport(from: string, spec: string): string | null {
  const base = join(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) if (known.has(candidate)) return candidate;
  return null;
}

/** Relative imports (value and type, static and `import("…")`) of a file, resolved to source files. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1]!);
  return specs.map((spec) => resolveImport(file, spec)).filter((target): target is string => target !== null);
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe("the layers", () => {
  it("puts every source file in a layer", () => {
    for (const file of files) expect(() => layerOf(file)).not.toThrow();
  });

  it("has no import from a lower layer into a higher one", () => {
    const upward = [...graph].flatMap(([file, targets]) => targets.filter((t) => layerOf(t) > layerOf(file)).map((t) => `${file} → ${t}`));
    expect(upward).toEqual([]);
  });

  it("has no import circle", () => {
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        circles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });

  it("keeps the probe science free of Cloudflare's runtime", () => {
    const platform = files.filter((f) => f.startsWith("probes/") && /from\s+["'](cloudflare:|@cloudflare\/)/.test(readFileSync(join(SRC, f), "utf8")));
    expect(platform).toEqual([]);
  });
});
