import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const INDEX = fileURLToPath(new URL("./index.ts", import.meta.url));

/** Runs the CLI from source in a child process whose stdout reader has already gone (`roster … | head` after head quit). */
function runIntoClosedPipe(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const script = `import { runCli } from ${JSON.stringify(INDEX)}; await runCli(process.argv);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, "roster", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("roster writing into a closed pipe", () => {
  it("ends quietly with its exit status, not an unhandled EPIPE and a stack trace", async () => {
    expect(await runIntoClosedPipe("--help")).toEqual({ code: 0, stderr: "" });
    expect(await runIntoClosedPipe("org", "--help")).toEqual({ code: 0, stderr: "" });
  }, 60_000);
});
