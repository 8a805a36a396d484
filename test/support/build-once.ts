// Vitest global setup: brings dist/ and packages/client/dist/ up to date once per run, for the
// tests that start the real `roster` bin or pack the client package (a no-op when nothing changed).
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export default function buildOnce(): void {
  const root = resolve(import.meta.dirname, "../..");
  execFileSync(process.execPath, [resolve(root, "scripts/build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" });
}
