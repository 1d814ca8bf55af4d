#!/usr/bin/env node
// `ctxprobe` executable: teach Node to load TypeScript (tsx), then run the CLI.
import { register } from "tsx/esm/api";

register();
await import("./ctxprobe.ts");
