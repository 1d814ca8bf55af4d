// The production bundle must stay Latin-1. V8 keeps a script's source as one string, one byte per
// character only if every character is at most U+00FF: a single "—" left anywhere in the bundle
// doubles the heap the Worker's 13 MB of source takes (measured by `npm run bench`, isolate_memory).
// esbuild escapes non-ASCII characters in ordinary string literals and minify drops comments, so
// what can slip through are regex literals and tagged templates (String.raw`…` cannot be escaped):
// write those characters as \u2014-style escapes in the source. Scanning the real build output
// (`wrangler deploy --dry-run`, the bundle that is deployed) catches every path, whatever the syntax.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const outDir = mkdtempSync(join(tmpdir(), "ctxprobe-bundle-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function buildProductionBundle(): string {
  const wrangler = "node_modules/wrangler/bin/wrangler.js";
  execFileSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir], {
    stdio: "ignore",
    env: { ...process.env, CI: "true" },
  });
  return readFileSync(join(outDir, "index.js"), "utf8");
}

/** Each character above U+00FF, with the bundle text around it (grep src/ for that text). */
function beyondLatin1(bundle: string): string[] {
  const found: string[] = [];
  for (const match of bundle.matchAll(/[^\u0000-\u00ff]/gu)) {
    const at = match.index;
    const codePoint = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    found.push(`U+${codePoint} near ${JSON.stringify(bundle.slice(Math.max(0, at - 40), at + 20))}`);
  }
  return found;
}

describe("production bundle", () => {
  it("finds characters beyond Latin-1 (the check itself)", () => {
    expect(beyondLatin1('const a = "\\u2014"; // plain ASCII, é allowed')).toEqual([]);
    expect(beyondLatin1("x = String.raw`a \u2014 b`;")).toHaveLength(1);
    expect(beyondLatin1("/[\u201d\u2019]/ 😀")).toHaveLength(3);
  });

  it("is minified and holds no character above U+00FF, so V8 stores its source one-byte", () => {
    const bundle = buildProductionBundle();
    expect(bundle.length).toBeGreaterThan(1_000_000);
    expect(bundle).not.toContain("\n// src/"); // esbuild's module markers: present only unminified
    expect(beyondLatin1(bundle), "write these as \\u escapes in src/ (regex literals, String.raw templates)").toEqual([]);
  }, 120_000);
});
