import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = ".bench-build";
let built = false;

/**
 * The compiled JavaScript of a bench file, built once per bench run with the project's tsc: a
 * server process measured for memory runs as `npm start` runs it, on plain node, not under tsx
 * (whose loader alone adds some 55 MB of RSS).
 */
export function compiledBenchFile(relative: string): string {
  if (!built) {
    execFileSync(
      process.execPath,
      [
        `${ROOT}node_modules/typescript/bin/tsc`,
        "-p",
        `${ROOT}tsconfig.json`,
        "--noEmit",
        "false",
        "--outDir",
        `${ROOT}${OUT}`,
        "--declaration",
        "false",
        "--sourceMap",
        "false",
      ],
      {
        stdio: "inherit",
        timeout: 300_000,
      },
    );
    // The web pages' assets are found beside the compiled modules, as `dist/` has them after `npm run build`.
    cpSync(`${ROOT}assets`, `${ROOT}${OUT}/assets`, { recursive: true });
    built = true;
  }
  return `${ROOT}${OUT}/${relative.replace(/\.ts$/, ".js")}`;
}
