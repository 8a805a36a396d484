// Every command that prints data offers --json: walked over the whole command tree, so a new command
// without it fails here. Only the long-running processes (serve, worker) print logs, not data.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { buildCli } from "./index.js";

const CLI = fileURLToPath(new URL("../../test/support/roster-from-source.ts", import.meta.url));
const NO_DATA = new Set(["serve", "worker"]);

/** Every runnable command as its words (`webhooks replay`), with the command itself. */
function leaves(
  command: Command<unknown[], Record<string, unknown>, Record<string, unknown>>,
  path: string[] = [],
): [string, Command<unknown[], Record<string, unknown>, Record<string, unknown>>][] {
  const subcommands = command.commands as Command<unknown[], Record<string, unknown>, Record<string, unknown>>[];
  if (subcommands.length === 0) return [[path.join(" "), command]];
  return subcommands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

describe("--json on every command", () => {
  const commands = leaves(
    buildCli() as unknown as Command<unknown[], Record<string, unknown>, Record<string, unknown>>,
  );

  it("walks the whole tree (the commands this test was written against are all there)", () => {
    const names = commands.map(([name]) => name);
    for (const known of [
      "org update",
      "org delete",
      "directory test",
      "directory requests",
      "webhooks replay",
      "events tail",
      "portal link",
      "secrets rotate",
      "migrate",
    ])
      expect(names).toContain(known);
  });

  it("lists --json in the help of every command that prints data", () => {
    const missing = commands
      .filter(([name, command]) => !NO_DATA.has(name) && !/^\s+--json\b/m.test(command.helpInformation()))
      .map(([name]) => name);
    expect(missing, "commands whose --help has no --json").toEqual([]);
  });

  it("migrate --json prints the migrations it applied, then none", () => {
    const dir = mkdtempSync(join(tmpdir(), "roster-migrate-json-"));
    try {
      const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, "roster.sqlite")}`, LOG_LEVEL: "silent" };
      const run = () =>
        spawnSync(process.execPath, ["--import", "tsx", CLI, "migrate", "--json"], {
          env,
          encoding: "utf8",
          timeout: 30_000,
        });
      const first = run();
      expect(first.status, first.stderr).toBe(0);
      const applied = (JSON.parse(first.stdout) as { applied: string[] }).applied;
      expect(applied.length).toBeGreaterThan(5);
      expect(applied[0]).toMatch(/^0001/);
      expect(JSON.parse(run().stdout)).toEqual({ applied: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
