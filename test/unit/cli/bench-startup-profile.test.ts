// The startup bench section's reading of a .cpuprofile: CPU without idle, self time per module via
// esbuild's `// path` markers, and `__init` time given to the module it initialises.
import { describe, expect, it } from "vitest";
import { moduleLocator, selfTimes, type CpuProfile } from "../../../src/cli/bench/startup";

const BUNDLE = [
  "var __esm = (fn, res) => function __init() {", // line 0
  "  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;",
  "};",
  "// node_modules/big-vocab/index.js", // line 3
  "var init_vocab = __esm({",
  '  "node_modules/big-vocab/index.js"() {',
  "  }",
  "});",
  "// src/app.ts", // line 8
  "function route() {}",
].join("\n");

const frame = (functionName: string, lineNumber: number, url = "work/main/index.js") => ({ functionName, url, lineNumber });

const PROFILE: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame("(root)", -1, ""), children: [2, 3, 4, 6] },
    { id: 2, callFrame: frame("(idle)", -1, "") },
    { id: 3, callFrame: frame("(garbage collector)", -1, "") },
    { id: 4, callFrame: frame("__init", 0), children: [5] },
    { id: 5, callFrame: frame("node_modules/big-vocab/index.js", 5) },
    { id: 6, callFrame: frame("route", 9) },
  ],
  samples: [2, 3, 4, 4, 5, 6],
  timeDeltas: [5_000, 1_000, 1_000, 1_000, 500, 250],
};

describe("startup profile", () => {
  it("places a bundle line in the module esbuild emitted it for", () => {
    const locate = moduleLocator(BUNDLE);
    expect(locate(1)).toBe("(bundle prelude)");
    expect(locate(5)).toBe("node_modules/big-vocab/index.js");
    expect(locate(9)).toBe("src/app.ts");
  });

  it("counts CPU without idle and gives __init's self time to the module it initialises", () => {
    const { cpuUs, files, functions } = selfTimes(PROFILE, moduleLocator(BUNDLE));
    expect(cpuUs).toBe(3_750);
    expect(files.get("node_modules/big-vocab/index.js")).toBe(2_500);
    expect(files.get("src/app.ts")).toBe(250);
    expect(files.get("(V8)")).toBe(1_000);
    expect(functions.get("(module init) node_modules/big-vocab/index.js")).toBe(2_000);
    expect([...files.keys()]).not.toContain("(bundle prelude)");
  });
});
