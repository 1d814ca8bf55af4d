// Entry point of the `ctxprobe` command (run through src/cli/bin.mjs, or `tsx src/cli/ctxprobe.ts`).
import { processIo } from "./ctxprobe/io";
import { main } from "./ctxprobe/main";

// exitCode rather than process.exit(): pending output on pipes is flushed before Node exits.
process.exitCode = await main(process.argv.slice(2), processIo());
