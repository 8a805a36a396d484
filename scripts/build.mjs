#!/usr/bin/env node
// `npm run build`: compiles the server (dist/) and the client package (packages/client/dist/).
// `--if-stale` (what `npm start` runs first) skips the compiler when no source, tsconfig or
// package.json changed since the last build, so a start after the first one takes well under a
// second instead of the compiler's several. Both compiles are incremental (tsbuildinfo files).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".build-stamp");
const projects = ["tsconfig.build.json", "packages/client/tsconfig.json"];
const inputs = ["tsconfig.json", ...projects, "package.json", "packages/client/package.json"];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.NaN;
  }
}

/** The newest change under `dir`: files and directories alike, so a deleted source also counts. */
function newestUnder(dir) {
  let newest = mtime(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name.endsWith(".test.ts")) continue; // not compiled: a test edit needs no build
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : mtime(path));
  }
  return newest;
}

function isStale() {
  const built = mtime(stamp);
  if (Number.isNaN(built)) return true;
  const newest = Math.max(newestUnder(join(root, "src")), ...inputs.map((file) => mtime(join(root, file))));
  return !(newest < built);
}

if (process.argv.includes("--if-stale") && !isStale()) process.exit(0);

const startedAt = new Date();
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
for (const project of projects) {
  const result = spawnSync(process.execPath, [tsc, "-p", join(root, project)], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
// The stamp carries the time the build started: a source saved during the build is seen next time.
writeFileSync(stamp, `${startedAt.toISOString()}\n`);
utimesSync(stamp, startedAt, startedAt);
