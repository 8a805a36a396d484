#!/usr/bin/env node
// The `roster` command: runs the compiled CLI (npm install builds dist/ through `prepare`).
import { runCli } from "../dist/cli/index.js";

await runCli(process.argv);
