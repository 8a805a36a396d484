import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_ADMIN_URL } from "../../test/support/databases.js";

const root = resolve(import.meta.dirname, "../..");

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `roster <args>` as a real process (the bin, built by the global setup), with only these settings in its environment. */
function roster(args: readonly string[], env: Record<string, string>): Promise<Outcome> {
  const base = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    LOG_LEVEL: "info",
    ROSTER_ADMIN_KEY: "roster_admin_startup_0123456789abcdefghijklmnopqrstuv",
  };
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["bin/roster.js", ...args],
      { cwd: root, env: { ...base, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

function postgresUrl(user: string, database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.username = user;
  url.pathname = `/${database}`;
  return url.toString();
}

/** The start failed with exit code 1 and said so in one line (after any warning), with no stack trace. */
function expectOneLine(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code).toBe(1);
  const lines = outcome.stderr
    .trim()
    .split("\n")
    .filter((line) => !line.startsWith("roster: warning: "));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^roster: /);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
}

describe("a start that fails for a reason the operator can fix", { timeout: 120_000 }, () => {
  let dataDir: string;
  let occupied: Server;
  let occupiedPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "roster-startup-"));
    occupied = createServer();
    await new Promise<void>((listening) => occupied.listen(0, "127.0.0.1", listening));
    occupiedPort = (occupied.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((closed) => occupied.close(closed));
    await rm(dataDir, { recursive: true, force: true });
  });

  it("names the port in use and PORT", async () => {
    const outcome = await roster(["serve"], { ROSTER_DATA_DIR: dataDir, PORT: String(occupiedPort) });
    expectOneLine(outcome, new RegExp(`Port ${occupiedPort} on 127\\.0\\.0\\.1 is already in use.*set PORT`));
  });

  it("prints the stack as well with LOG_LEVEL=debug", async () => {
    const outcome = await roster(["serve"], {
      ROSTER_DATA_DIR: dataDir,
      PORT: String(occupiedPort),
      LOG_LEVEL: "debug",
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/^roster: Port \d+ on 127\.0\.0\.1 is already in use/);
    expect(outcome.stderr).toMatch(/EADDRINUSE/);
    expect(outcome.stderr).toMatch(/^\s+at /m);
  });

  it("names a bad setting", async () => {
    expectOneLine(
      await roster(["serve"], { ROSTER_DATA_DIR: dataDir, PORT: "eighty" }),
      /^roster: PORT must be an integer ≥ 0, got "eighty"\.$/,
    );
    expectOneLine(
      await roster(["migrate"], { DATABASE_URL: "mysql://db/roster" }),
      /DATABASE_URL must start with postgres:\/\/ or sqlite:/,
    );
    expectOneLine(
      await roster(["serve"], { ROSTER_DATA_DIR: dataDir, LOG_LEVEL: "verbose" }),
      /^roster: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"\.$/,
    );
  });

  it("names a SQLite file it cannot create and ROSTER_DATA_DIR", async () => {
    const file = join(dataDir, "a-file");
    await writeFile(file, "");
    expectOneLine(
      await roster(["serve"], { ROSTER_DATA_DIR: join(file, "data") }),
      /Cannot open the SQLite database .*ENOTDIR.*Set ROSTER_DATA_DIR/,
    );
  });

  it("names an unreachable PostgreSQL and DATABASE_URL", async () => {
    const outcome = await roster(["serve"], {
      DATABASE_URL: "postgres://roster@127.0.0.1:1/roster",
      ROSTER_SECRET_KEY: "k".repeat(32),
    });
    expectOneLine(outcome, /Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\).*DATABASE_URL/);
  });

  it("names a missing role, then a missing database, and where to create them", async () => {
    const name = `roster_missing_${randomBytes(4).toString("hex")}`;
    const noRole = await roster(["serve"], {
      DATABASE_URL: postgresUrl(name, "postgres"),
      ROSTER_SECRET_KEY: "k".repeat(32),
    });
    expectOneLine(
      noRole,
      new RegExp(`refused the role ${name}: role "${name}" does not exist.*docs/postgresql\\.md.*DATABASE_URL`),
    );
    const noDatabase = await roster(["migrate"], { DATABASE_URL: postgresUrl(new URL(PG_ADMIN_URL).username, name) });
    expectOneLine(noDatabase, new RegExp(`The database ${name} does not exist.*docs/postgresql\\.md.*DATABASE_URL`));
  });

  it("warns at start on PostgreSQL without ROSTER_SECRET_KEY", async () => {
    const outcome = await roster(["serve"], { DATABASE_URL: "postgres://roster@127.0.0.1:1/roster" });
    expect(outcome.stderr).toMatch(/^roster: warning: ROSTER_SECRET_KEY is not set: .*409 secret_key_required/m);
  });
});
