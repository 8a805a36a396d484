// The container files cannot be built here (no Docker engine), so what can be checked is checked:
// every file they copy exists and is not ignored, every setting they pass is one Roster reads,
// the runtime runs as a non-root user on node:20-slim, and the health check works against a server.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../../src/cli/index.js";
import { type LiveServer, startLiveServer } from "../../src/cli/live-test-server.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** Every setting docs/configuration.md documents (the table's first column). */
function documentedSettings(): Set<string> {
  return new Set(
    [...read("docs/configuration.md").matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1] as string),
  );
}

/** The Dockerfile's instructions, continuation lines joined. */
function instructions(): string[] {
  return read("Dockerfile")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

describe("the Dockerfile", () => {
  const lines = instructions();
  const runtime = lines.slice(lines.findLastIndex((line) => line.startsWith("FROM ")));

  it("copies only files that exist and that .dockerignore lets through", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const sources = lines
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), `COPY ${source}`).toBe(true);
      expect(
        ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
        `${source} is in .dockerignore`,
      ).toBe(false);
    }
  });

  it("runs on node:20-slim as the unprivileged node user, starting roster serve, with a health check", () => {
    expect(runtime[0]).toBe("FROM node:20-slim");
    expect(runtime).toContain("USER node");
    expect(runtime.find((line) => line.startsWith("ENTRYPOINT"))).toBe('ENTRYPOINT ["node", "bin/roster.js"]');
    expect(runtime.find((line) => line.startsWith("CMD"))).toBe('CMD ["serve"]');
    expect(runtime.find((line) => line.startsWith("HEALTHCHECK"))).toMatch(/CMD \["node", "bin\/healthcheck\.js"\]$/);
    for (const file of ["bin/roster.js", "bin/healthcheck.js"]) expect(existsSync(join(ROOT, file))).toBe(true);
  });

  it("sets only settings Roster reads", () => {
    const settings = documentedSettings();
    const set = runtime
      .filter((line) => line.startsWith("ENV "))
      .flatMap((line) => [...line.matchAll(/([A-Z][A-Z0-9_]+)=/g)].map((match) => match[1] as string));
    expect(set).toEqual(expect.arrayContaining(["HOST", "PORT", "ROSTER_DATA_DIR"]));
    for (const name of set.filter((name) => name !== "NODE_ENV"))
      expect(settings.has(name), `${name} is not a documented setting`).toBe(true);
  });
});

describe("deploy/compose.yaml", () => {
  const compose = read("deploy/compose.yaml");

  it("passes Roster only settings it reads, and runs commands the CLI has", () => {
    const settings = documentedSettings();
    const block = compose.slice(compose.indexOf("x-roster-environment"), compose.indexOf("services:"));
    const names = [...block.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1] as string);
    expect(names).toEqual(
      expect.arrayContaining(["DATABASE_URL", "ROSTER_SECRET_KEY", "ROSTER_ADMIN_KEY", "ROSTER_PUBLIC_URL"]),
    );
    for (const name of names) expect(settings.has(name), `${name} is not a documented setting`).toBe(true);
    const commands = new Set(buildCli().commands.map((command) => command.name()));
    for (const match of compose.matchAll(/command: \["([a-z]+)"\]/g))
      expect(commands.has(match[1] as string), `roster ${match[1]}`).toBe(true);
    expect(compose).toMatch(/image: postgres:\d+/);
  });
});

describe("bin/healthcheck.js", () => {
  let live: LiveServer;
  beforeAll(async () => {
    live = await startLiveServer();
  });
  afterAll(async () => live?.close());

  // Asynchronously: the server answering it runs in this process.
  const check = (port: string) =>
    new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, [join(ROOT, "bin/healthcheck.js")], {
        env: { ...process.env, PORT: port },
        timeout: 10_000,
      });
      child.on("exit", (code) => resolve(code));
    });

  it("exits 0 while the server is ready and 1 when nothing answers", async () => {
    expect(await check(new URL(live.url).port)).toBe(0);
    const closed = await startLiveServer();
    const port = new URL(closed.url).port;
    await closed.close();
    expect(await check(port)).toBe(1);
  });
});
