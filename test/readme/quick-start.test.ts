/**
 * README.md's quick start, run as written against a fresh server, so it cannot rot: every `sh`
 * block of the "Quick start" section, in order, in one bash session (`set -e`: any failing
 * command fails the test). The first block (`npm install && npm start`) is what this test does
 * itself, with a fresh data directory; the only rewrites are the placeholders a reader fills in
 * or may find taken: the admin key the server printed, and its port and the receiver's (8080,
 * 3000), replaced by free ones (and ROSTER_URL set, for the CLI's default of port 8080).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** The `sh` blocks of one `## ` section of a Markdown document. */
function shellBlocks(markdown: string, section: string): string[] {
  const start = markdown.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`no "## ${section}" section`);
  const next = markdown.indexOf("\n## ", start + 1);
  const text = markdown.slice(start, next < 0 ? undefined : next);
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((listening) => probe.listen(0, "127.0.0.1", listening));
  const { port } = probe.address() as AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return port;
}

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((later) => setTimeout(later, 50));
  }
}

/** Ends a process started `detached` and everything it started (the receiver runs in the background). */
function endGroup(child: ChildProcess | undefined): void {
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

describe("README.md's quick start", { timeout: 300_000 }, () => {
  let work: string;
  let server: ChildProcess | undefined;
  let script: ChildProcess | undefined;
  let serverOut = "";
  let port: number;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "roster-readme-"));
    port = await freePort();
    server = spawn(process.execPath, ["bin/roster.js", "serve"], {
      cwd: root,
      detached: true,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        ROSTER_DATA_DIR: join(work, "data"),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (chunk) => (serverOut += chunk));
    server.stderr?.on("data", (chunk) => (serverOut += chunk));
    await until(() => /roster_admin_\S+/.test(serverOut), "the server to print its admin key", 60_000);
  }, 120_000);

  afterAll(async () => {
    endGroup(script);
    endGroup(server);
    await rm(work, { recursive: true, force: true });
  });

  it("starts with the server, then runs every command of the later blocks", async () => {
    const blocks = shellBlocks(await readFile(join(root, "README.md"), "utf8"), "Quick start");
    expect(blocks[0]?.trim()).toBe("npm install && npm start");
    expect(blocks.length).toBeGreaterThanOrEqual(4);

    const adminKey = /roster_admin_\S+/.exec(serverOut)?.[0] as string;
    const receiverPort = await freePort();
    const commands = blocks
      .slice(1)
      .join("\n")
      .replaceAll("roster_admin_…", adminKey)
      .replaceAll("localhost:8080", `localhost:${port}`)
      .replaceAll("127.0.0.1:8080", `127.0.0.1:${port}`)
      .replaceAll("127.0.0.1:3000", `127.0.0.1:${receiverPort}`)
      .replaceAll("listen(3000)", `listen(${receiverPort})`);
    expect(commands).not.toContain("…");

    let out = "";
    script = spawn("bash", ["-e", "-o", "pipefail", "-c", commands], {
      cwd: root,
      detached: true,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: work, ROSTER_URL: `http://127.0.0.1:${port}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    script.stdout?.on("data", (chunk) => (out += chunk));
    script.stderr?.on("data", (chunk) => (out += chunk));
    const code = await new Promise<number | null>((exited) => script?.once("exit", exited));
    expect(code, out).toBe(0);

    // The user pushed with curl, read back by the CLI, the API, and the installed client package.
    expect(out).toMatch(/ada@acme\.com/);
    expect(out).toMatch(/^ada@acme\.com Ada Lovelace$/m);
    // The receiver, still running in the background, verified the second user's creation.
    await until(
      () => out.includes("verified dsync.user.created bob@acme.com"),
      `the receiver to verify the webhook:\n${out}`,
      30_000,
    );
  });
});
