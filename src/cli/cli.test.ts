import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ApiKey, Directory, List, Organization, ScimToken } from "../client/index.js";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";
import { buildCli, runCli } from "./index.js";

const ADMIN_KEY = "roster_admin_testkey_0123456789abcdefghijklmnopqrstuv";

/** Runs `fn` with process.stdout/stderr captured; the real streams come back even if it throws. */
async function capture(fn: () => Promise<unknown>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const collect = (key: "stdout" | "stderr") => (chunk: string | Uint8Array) => {
    out[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  };
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(collect("stdout") as typeof process.stdout.write);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(collect("stderr") as typeof process.stderr.write);
  try {
    await fn();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out;
}

/** Runs `fn` with the given environment variables set (undefined: unset), then puts them back. */
async function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

describe("roster CLI against a real server", () => {
  let dir: string;
  let server: RunningServer;

  /** `roster <args> --url <server> --key <admin>`, returning what it printed. */
  const roster = async (...args: string[]) =>
    (
      await capture(() =>
        buildCli()
          .exitOverride()
          .parseAsync(["node", "roster", ...args, "--url", server.url, "--key", ADMIN_KEY]),
      )
    ).stdout;
  const rosterJson = async <T>(...args: string[]) => JSON.parse(await roster(...args, "--json")) as T;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "roster-cli-"));
    const env = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: `sqlite:${join(dir, "roster.sqlite")}`,
      ROSTER_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: "silent",
    };
    server = await startServer(loadConfig(env));
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates an organization with domains and prints its id", async () => {
    const out = await roster("org", "create", "Acme", "--domain", "acme.test", "beta.test");
    expect(out).toMatch(/^Created organization org_[0-9A-Z]{26}\n/);
    expect(out).toMatch(/domains\s+acme\.test, beta\.test/);
  });

  it("creates an API key, prints it once with a warning, lists and revokes it", async () => {
    const org = await rosterJson<Organization>("org", "create", "Keyed");
    const out = await roster("org", "key", "create", org.id, "--name", "ci");
    const secret = /\bsk_\S+/.exec(out)?.[0];
    expect(secret).toBeDefined();
    expect(out).toContain("shown only once");

    const keys = await rosterJson<List<ApiKey>>("org", "key", "list", org.id);
    expect(keys.data).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(secret);
    const keyId = keys.data[0]?.id ?? "";
    expect(await roster("org", "key", "list", org.id)).toMatch(
      new RegExp(`^ID\\s+NAME\\s+KEY.*\\n${keyId}\\s+ci\\s+sk_…${secret?.slice(-4)}`),
    );

    expect(await roster("org", "key", "revoke", org.id, keyId)).toBe(`Revoked API key ${keyId}.\n`);
    expect(await roster("org", "key", "list", org.id)).toBe(`No API keys for ${org.id}.\n`);
  });

  it("lists organizations as JSON for scripts and as an aligned table for people", async () => {
    const org = await rosterJson<Organization>("org", "create", "Listed Org", "--domain", "listed.test");
    const list = await rosterJson<List<Organization>>("org", "list", "--search", "listed");
    expect(list).toEqual({ object: "list", data: [org], list_metadata: { before: null, after: null } });

    const lines = (await roster("org", "list", "--search", "listed")).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID {2,}NAME {2,}DOMAINS {2,}CREATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${org.id} {2}Listed Org {2,}listed\\.test {2,}\\d{4}-`));
    expect(lines[0]?.indexOf("NAME")).toBe(lines[1]?.indexOf("Listed Org"));
  });

  it("hints at the next page and follows every page with --all", async () => {
    for (let i = 0; i < 3; i++) await roster("org", "create", `Many ${i}`);
    expect(await roster("org", "list", "--search", "many", "--limit", "2")).toMatch(
      /More results: roster org list --after org_\w+/,
    );
    const all = await rosterJson<List<Organization>>("org", "list", "--search", "many", "--limit", "2", "--all");
    expect(all.data.map((o) => o.name).sort()).toEqual(["Many 0", "Many 1", "Many 2"]);
  });

  it("creates a directory and prints its SCIM base URL and its token, shown only once", async () => {
    const org = await rosterJson<Organization>("org", "create", "Directory owner");
    const out = await roster(
      "directory",
      "create",
      "--org",
      org.id,
      "--name",
      "Okta",
      "--type",
      "okta scim v2.0",
      "--domain",
      "okta.test",
    );
    expect(out).toMatch(/^Created directory directory_\w+ \("Okta", okta scim v2\.0\)/);
    expect(out).toMatch(/SCIM base URL\s+http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/directory_\w+/);
    expect(out).toMatch(/SCIM token\s+scim_\S+/);
    expect(out).toContain("shown only once");
  });

  it("rotates a SCIM token, keeping the old one for the grace period", async () => {
    const org = await rosterJson<Organization>("org", "create", "Rotator");
    const directory = await rosterJson<Directory>(
      "directory",
      "create",
      "--org",
      org.id,
      "--name",
      "Entra",
      "--type",
      "azure scim v2.0",
    );
    const rotated = await rosterJson<ScimToken>("directory", "rotate-token", directory.id, "--grace-seconds", "300");
    expect(rotated.token).toMatch(/^scim_/);
    expect(rotated.token).not.toBe(directory.scim?.token);
    expect(rotated.previous_token_expires_at).not.toBeNull();

    const out = await roster("directory", "rotate-token", directory.id);
    expect(out).toMatch(/previous token\s+revoked now/);
    expect(out).toContain("shown only once");
  });

  it("deletes a directory, hides it from the list, and restores it", async () => {
    const org = await rosterJson<Organization>("org", "create", "Restorer");
    const directory = await rosterJson<Directory>(
      "directory",
      "create",
      "--org",
      org.id,
      "--name",
      "HR",
      "--type",
      "generic scim v2.0",
    );

    expect(await roster("directory", "delete", directory.id)).toContain(
      `Deleted directory ${directory.id} (state deleting).`,
    );
    expect((await rosterJson<List<Directory>>("directory", "list", "--org", org.id)).data).toEqual([]);
    expect(await roster("directory", "list", "--org", org.id, "--include-deleted")).toMatch(
      new RegExp(`${directory.id} +HR +generic scim v2\\.0 +deleting`),
    );

    expect(await roster("directory", "restore", directory.id)).toBe(
      `Restored directory ${directory.id} (state unlinked).\n`,
    );
    expect((await rosterJson<Directory>("directory", "get", directory.id)).state).toBe("unlinked");
  });

  it("lists every directory of an organization across pages with --all", async () => {
    const org = await rosterJson<Organization>("org", "create", "Paged directories");
    for (let i = 0; i < 5; i++)
      await roster("directory", "create", "--org", org.id, "--name", `Dir ${i}`, "--type", "generic scim v2.0");
    const page = await rosterJson<List<Directory>>("directory", "list", "--org", org.id, "--limit", "2");
    expect(page.data).toHaveLength(2);
    expect(page.list_metadata.after).not.toBeNull();
    const all = await rosterJson<List<Directory>>("directory", "list", "--org", org.id, "--limit", "2", "--all");
    expect(all.data).toHaveLength(5);
    expect(all.list_metadata).toEqual({ before: null, after: null });
  });

  it("fails an unknown id with a RosterApiError naming status and code, and prints one line", async () => {
    const unknown = "directory_01ARZ3NDEKTSV4RRFFQ69G5FAV";
    await expect(roster("directory", "get", unknown)).rejects.toMatchObject({
      name: "RosterApiError",
      status: 404,
      code: "not_found",
    });

    try {
      const { stdout, stderr } = await capture(() =>
        runCli(["node", "roster", "directory", "get", unknown, "--url", server.url, "--key", ADMIN_KEY]),
      );
      expect(stdout).toBe("");
      expect(stderr).toBe(`roster: Directory ${unknown} not found (404 not_found)\n`);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = undefined;
    }
  });

  it("refuses to run without a key, in one clear line", async () => {
    await withEnv({ ROSTER_KEY: undefined, ROSTER_ADMIN_KEY: undefined }, async () => {
      try {
        const { stderr } = await capture(() => runCli(["node", "roster", "org", "list", "--url", server.url]));
        expect(stderr).toBe("roster: no API key: pass --key <key> or set ROSTER_KEY (or ROSTER_ADMIN_KEY)\n");
        expect(process.exitCode).toBe(1);
      } finally {
        process.exitCode = undefined;
      }
    });
  });

  it("falls back to ROSTER_ADMIN_KEY when neither --key nor ROSTER_KEY is given", async () => {
    await withEnv({ ROSTER_KEY: undefined, ROSTER_ADMIN_KEY: ADMIN_KEY }, async () => {
      const { stdout } = await capture(() =>
        buildCli().exitOverride().parseAsync(["node", "roster", "org", "list", "--json", "--url", server.url]),
      );
      expect((JSON.parse(stdout) as List<Organization>).object).toBe("list");
    });
  });
});
