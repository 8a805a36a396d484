#!/usr/bin/env node
// The `roster` command: runs the compiled CLI (npm install builds dist/ through `prepare`).
import module from "node:module";

// Node 22.1+ caches compiled modules between runs (a faster start); older Node lacks it.
module.enableCompileCache?.();
const { runCli } = await import("../dist/cli/index.js");

await runCli(process.argv);
