import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type MemoryData,
  memoryConnector,
  memoryData,
  SourceError,
  sourceGroup,
  sourceUser,
} from "../../test/support/memory-connector.js";
import type { List, Organization, SyncRun } from "../client/index.js";
import { csvKind } from "../connectors/csv/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, startLiveServer } from "./live-test-server.js";

describe("roster sync / roster import csv against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;
  let org: Organization;
  let files: string;
  const data: MemoryData = memoryData();

  beforeAll(async () => {
    // `ldap` directories read the in-memory source the test holds; `csv` is the real CSV connector.
    live = await startLiveServer({ connectorKinds: { ldap: memoryConnector(data), csv: csvKind } });
    cli = cliAgainst(live.url);
    org = await live.admin.organizations.create({ name: "Acme" });
    files = await mkdtemp(join(tmpdir(), "roster-import-"));
  });
  afterAll(async () => {
    await live?.close();
    await rm(files, { recursive: true, force: true });
  });
  afterEach(() => {
    Object.assign(data, memoryData());
  });

  async function pullDirectory(connector: Record<string, unknown> = {}): Promise<string> {
    const dir = await live.admin.directories.create({
      organization_id: org.id,
      name: "LDAP",
      type: "ldap",
      connector: { host: "ldap.test", password: "s3cret", ...connector },
    });
    return dir.id;
  }

  /** A directory synced once with ten users, whose source then lost three: the next run is held. */
  async function heldDirectory(): Promise<string> {
    const dirId = await pullDirectory();
    data.users = Array.from({ length: 10 }, (_, i) => sourceUser(`user${i}`));
    expect((await cli.exit("sync", dirId)).code).toBe(0);
    data.users = data.users.slice(0, 7);
    return dirId;
  }

  /** The commands a run's hints on stderr name (`…: roster …`), in order. */
  const hints = (stderr: string) => [...stderr.matchAll(/: (roster .+)$/gm)].map((m) => m[1] as string);

  /** Runs a printed hint as a person pasting it would (paths here have no spaces). */
  const follow = (hint: string | undefined, ...extra: string[]) => {
    if (hint === undefined) throw new Error("no hint printed");
    return cli.exit(...hint.replace(/^roster /, "").split(" "), ...extra);
  };

  const activeUsernames = async (dirId: string) =>
    (await live.admin.directoryUsers.list({ directory: dirId, state: "active", limit: 100 })).data
      .map((u) => u.username)
      .sort();

  it("syncs a directory and ends with the counts table for users and groups", async () => {
    const dirId = await pullDirectory();
    data.users = ["ada", "bob", "cy"].map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", ["ada", "bob"])];
    const { stdout, stderr, code } = await cli.exit("sync", dirId);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Waiting for sync run sync_\w+ \(full\) to finish…\n$/);
    expect(stdout).toMatch(/^Sync run sync_\w+: succeeded\n/);
    expect(stdout).toMatch(new RegExp(`directory +${dirId}\\n`));
    expect(stdout).toMatch(/mode +full\n/);
    expect(stdout).toMatch(/^ +USERS +GROUPS$/m);
    expect(stdout).toMatch(/^created +3 +1$/m);
    expect(stdout).toMatch(/^deactivated +0 +-$/m);
    expect(stdout).toMatch(/^failed +0 +0$/m);
    expect(stdout).not.toContain("Errors");
    expect(await activeUsernames(dirId)).toEqual(["ada", "bob", "cy"]);
  });

  it("prints the final run as JSON with --json, and shows the first per-record errors", async () => {
    const dirId = await pullDirectory();
    data.users = [sourceUser("ada")];
    data.invalidUsers = [{ ref: "uid=broken", message: "has no username" }];
    const { stdout, stderr, code } = await cli.exit("sync", dirId, "--json", "--allow-partial");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const run = JSON.parse(stdout) as SyncRun;
    expect(run).toMatchObject({
      object: "directory_sync_run",
      directory_id: dirId,
      state: "succeeded",
      mode: "full",
      errors: [{ ref: "uid=broken", message: "has no username" }],
    });
    expect(run.counts).toMatchObject({ created: 1, failed: 1 });

    data.invalidUsers = [{ ref: "uid=broken", message: "has no username" }];
    const table = await cli.exit("sync", dirId);
    expect(table.stdout).toMatch(/Errors \(1 record failed\):\n {2}uid=broken {2}has no username\n/);
    expect(table.code).toBe(3);
    expect(table.stderr).toContain("1 record failed: exit status 3 (--allow-partial to exit 0 when the run succeeds)");
  });

  it("exits 2 when the mass-removal guard holds the run, says how to confirm, and `sync confirm` finishes it", async () => {
    const dirId = await heldDirectory();
    const held = await cli.exit("sync", dirId);
    expect(held.code).toBe(2);
    const runId = /^Sync run (sync_\w+): needs_confirmation$/m.exec(held.stdout)?.[1] as string;
    expect(runId).toBeDefined();
    expect(held.stdout).toMatch(/held removals +3/);
    expect(held.stderr).toContain("it would remove 3 users");
    expect(hints(held.stderr)).toEqual([
      `roster sync confirm ${dirId} ${runId}`,
      `roster sync ${dirId} --yes`,
      `roster sync discard ${dirId} ${runId}`,
    ]);
    expect(await activeUsernames(dirId)).toHaveLength(10);
    const status = await cli.exit("sync", "status", dirId);
    expect(status).toMatchObject({
      code: undefined,
      stderr: expect.stringContaining(`roster sync confirm ${dirId} ${runId}`),
    });
    expect(status.stdout).toMatch(new RegExp(`^Sync run ${runId}: needs_confirmation\n`));

    const confirmed = await follow(hints(held.stderr)[0]);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(new RegExp(`^Sync run ${runId}: succeeded\\n`));
    expect(confirmed.stdout).toMatch(/^deactivated +3 +-$/m);
    expect(await activeUsernames(dirId)).toHaveLength(7);

    const again = await cli.exit("sync", "confirm", dirId, runId);
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toMatch(/^roster: .*needs_confirmation.*\(409 not_awaiting_confirmation\)\n$/);
  });

  it("`sync discard` (the last hint) drops a held run: nothing applied, no longer confirmable", async () => {
    const dirId = await heldDirectory();
    const held = await cli.exit("sync", dirId);
    const runId = /^Sync run (sync_\w+): needs_confirmation$/m.exec(held.stdout)?.[1] as string;
    const dropped = await follow(hints(held.stderr)[2]);
    expect(dropped.code).toBeUndefined();
    expect(dropped.stdout).toMatch(
      new RegExp(`^Discarded run ${runId}: nothing it held was applied.\nSync run ${runId}: failed\n`),
    );
    expect(await activeUsernames(dirId)).toHaveLength(10);
    const run = await live.admin.directorySyncs.get(dirId, runId);
    expect(run).toMatchObject({ state: "failed", failure: { reason: "discarded" } });
    const confirm = await cli.exit("sync", "confirm", dirId, runId);
    expect(confirm.stderr).toMatch(/\(409 not_awaiting_confirmation\)/);
    const twice = await cli.exit("sync", "discard", dirId, runId, "--json");
    expect(twice).toMatchObject({ code: 1, stdout: "" });
  });

  it("with --yes (the other hint) confirms a held run and follows it to its end", async () => {
    const dirId = await heldDirectory();
    const held = await cli.exit("sync", dirId);
    const { stdout, stderr, code } = await follow(hints(held.stderr)[1], "--json");
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Run sync_\w+ would remove 3 users: confirming \(--yes\)\.\n$/);
    const run = JSON.parse(stdout) as SyncRun;
    expect(run).toMatchObject({ state: "succeeded", confirmed_at: expect.any(String) });
    expect(run.counts).toMatchObject({ deactivated: 3, unchanged: 7 });
    expect(await activeUsernames(dirId)).toHaveLength(7);
  });

  it("--dry-run lists the planned changes and writes none", async () => {
    const dirId = await pullDirectory({ max_removal_percent: 100 });
    data.users = [sourceUser("ada"), sourceUser("bob")];
    await cli.exit("sync", dirId);
    data.users = [sourceUser("ada", { lastName: "Lovelace" }), sourceUser("cy")];
    data.groups = [sourceGroup("eng", ["ada", "cy"])];
    const { stdout, code } = await cli.exit("sync", dirId, "--dry-run");
    expect(code).toBe(0);
    expect(stdout).toMatch(/mode +full \(dry run\)/);
    expect(stdout).toContain("Planned changes (dry run: nothing was written):");
    expect(stdout).toMatch(/^ACTION +KIND +REF +FIELDS$/m);
    expect(stdout).toMatch(/^create +user +cy$/m);
    expect(stdout).toMatch(/^update +user +ada +last_name$/m);
    expect(stdout).toMatch(/^deactivate +user +bob$/m);
    expect(stdout).toMatch(/^create +group +eng$/m);
    expect(await activeUsernames(dirId)).toEqual(["ada", "bob"]);
  });

  it("a dry run the guard would hold exits 2 and points to --yes, not to confirm", async () => {
    const dirId = await heldDirectory();
    const { stderr, code } = await cli.exit("sync", dirId, "--dry-run", "--yes");
    expect(code).toBe(2);
    expect(stderr).toContain("A real run would stop for confirmation: it would remove 3 users");
    expect(stderr).toContain(`roster sync ${dirId} --yes`);
    expect(stderr).not.toContain("roster sync confirm");
    expect(await activeUsernames(dirId)).toHaveLength(10);
  });

  it("--user syncs one user and answers when done; an unknown user is a 404", async () => {
    const dirId = await pullDirectory();
    data.users = [sourceUser("ada"), sourceUser("bob")];
    const { stdout, code } = await cli.exit("sync", dirId, "--user", "ada");
    expect(code).toBe(0);
    expect(stdout).toMatch(/mode +user ada\n/);
    expect(stdout).toMatch(/^created +1 +0$/m);
    expect(await activeUsernames(dirId)).toEqual(["ada"]);

    const nobody = await cli.exit("sync", dirId, "--user", "zed");
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/\(404 user_not_found\)\n$/);

    const mixed = await cli.exit("sync", dirId, "--user", "ada", "--full");
    expect(mixed.stderr).toMatch(/^error: option '--user <username>' cannot be used with option '--full'\n/);
    expect(mixed.code).toBe(1);
  });

  it("exits 1 with the reason when the run fails", async () => {
    const dirId = await pullDirectory();
    data.failWith = new SourceError("invalid_credentials", "The LDAP server refused the bind DN and password");
    const { stdout, code } = await cli.exit("sync", dirId);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Sync run sync_\w+: failed\n/);
    expect(stdout).toMatch(/failure +The LDAP server refused the bind DN and password \(invalid_credentials\)/);
  });

  it("status shows the current or last run; history lists the runs newest first", async () => {
    const dirId = await pullDirectory();
    expect((await cli.exit("sync", "status", dirId)).stderr).toMatch(/\(404 no_sync_yet\)/);
    expect((await cli.exit("sync", "history", dirId)).stdout).toBe(`Directory ${dirId} has no sync runs yet.\n`);

    data.users = [sourceUser("ada")];
    const first = JSON.parse((await cli.exit("sync", dirId, "--json")).stdout) as SyncRun;
    const second = JSON.parse((await cli.exit("sync", dirId, "--delta", "--json")).stdout) as SyncRun;
    expect(second.mode).toBe("delta");

    const status = await cli.exit("sync", "status", dirId);
    expect(status.stdout).toMatch(new RegExp(`^Sync run ${second.id}: succeeded\\n`));
    expect(status.stdout).toMatch(/^unchanged +1 +0$/m);
    expect(JSON.parse((await cli.exit("sync", "status", dirId, "--json")).stdout)).toEqual(second);

    const lines = (await cli.exit("sync", "history", dirId)).stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^ID +STATE +MODE +TRIGGER +STARTED +FINISHED +CREATED +UPDATED +REMOVED +UNCHANGED +FAILED$/,
    );
    expect(lines[1]).toMatch(new RegExp(`^${second.id} +succeeded +delta +manual .* 0 +0 +0 +1 +0$`));
    expect(lines[2]).toMatch(new RegExp(`^${first.id} +succeeded +full +manual .* 1 +0 +0 +0 +0$`));

    const page = await cli.exit("sync", "history", dirId, "--limit", "1");
    expect(page.stdout).toContain(`More results: roster sync history ${dirId} --limit 1 --after ${second.id}`);
    const all = JSON.parse(
      (await cli.exit("sync", "history", dirId, "--limit", "1", "--all", "--json")).stdout,
    ) as List<SyncRun>;
    expect(all.data.map((r) => r.id)).toEqual([second.id, first.id]);
  });

  it("on a terminal, draws a live bar on stderr against the user count read before the run", async () => {
    const dirId = await pullDirectory();
    data.users = ["ada", "bob", "cy", "dee"].map((u) => sourceUser(u));
    await cli.exit("sync", dirId);
    data.users.push(sourceUser("eve"), sourceUser("fay"));
    const tty = { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY };
    process.stdout.isTTY = true;
    process.stderr.isTTY = true;
    try {
      const { stdout, stderr, code } = await cli.exit("sync", dirId);
      expect(code).toBe(0);
      expect(stderr).toMatch(
        /Syncing [█░]{24} \d\/~4 users \| \w+ \| created \d · updated 0 · deactivated 0 · unchanged \d · failed 0/,
      );
      expect(stderr).not.toContain("Waiting for");
      expect(stdout).toMatch(/^created +2 +0$/m);
    } finally {
      process.stdout.isTTY = tty.stdout;
      process.stderr.isTTY = tty.stderr;
    }
  });

  it("`sync run <directory>` is the same command as `sync <directory>`", async () => {
    const dirId = await pullDirectory();
    data.users = [sourceUser("ada")];
    const { stdout, code } = await cli.exit("sync", "run", dirId);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^created +1 +0$/m);
  });

  it("import csv uploads a file to a csv directory and follows the run; --dry-run lists what it would change", async () => {
    const dir = await live.admin.directories.create({ organization_id: org.id, name: "HR export", type: "csv" });
    const file = join(files, "people.csv");
    await writeFile(
      file,
      [
        "username,email,first_name,last_name,state,groups",
        "ada,ada@acme.test,Ada,Lovelace,active,Eng;Admins",
        "bob,bob@acme.test,Bob,Builder,,Eng",
        ",nobody@acme.test,No,Name,,",
      ].join("\n"),
    );
    const { stdout, stderr, code } = await cli.exit("import", "csv", dir.id, file);
    expect(code).toBe(3);
    expect(stderr).toContain("1 record failed: exit status 3");
    expect(stdout).toMatch(/^Sync run sync_\w+: succeeded\n/);
    expect(stdout).toMatch(/trigger +upload\n/);
    expect(stdout).toMatch(/^created +2 +2$/m);
    expect(stdout).toMatch(/Errors \(1 record failed\):\n {2}line 4 +.*username/);
    const users = await live.admin.directoryUsers.list({ directory: dir.id, order: "asc" });
    expect(users.data.map((u) => [u.username, u.groups.map((g) => g.name).sort()])).toEqual([
      ["ada", ["Admins", "Eng"]],
      ["bob", ["Eng"]],
    ]);

    // The groups stay: a file without them would end every membership, which the guard holds.
    await writeFile(
      file,
      "username,email,first_name,groups\nada,ada@acme.test,Augusta,Eng;Admins\nbob,bob@acme.test,Bob,Eng\n",
    );
    const dry = await cli.exit("import", "csv", dir.id, file, "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect((JSON.parse(dry.stdout) as SyncRun).changes).toEqual(
      expect.arrayContaining([
        { action: "update", kind: "user", ref: "ada", fields: expect.arrayContaining(["first_name"]) },
      ]),
    );
    expect((await live.admin.directoryUsers.list({ directory: dir.id, order: "asc" })).data[0]?.first_name).toBe("Ada");

    const missing = await cli.exit("import", "csv", dir.id, join(files, "nope.csv"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^roster: cannot read .*nope\.csv: ENOENT/);
  });

  describe("a csv directory that lives on uploads", () => {
    async function heldUpload(): Promise<{ dirId: string; file: string; held: Awaited<ReturnType<typeof cli.exit>> }> {
      const dir = await live.admin.directories.create({ organization_id: org.id, name: "Uploads", type: "csv" });
      const file = join(files, `${dir.id}.csv`);
      await writeFile(file, "username\na\nb\nc\nd\ne\n");
      expect((await cli.exit("import", "csv", dir.id, file)).code).toBe(0);
      await writeFile(file, "username\na\n");
      const held = await cli.exit("import", "csv", dir.id, file);
      expect(held.code).toBe(2);
      return { dirId: dir.id, file, held };
    }

    it("a held upload's hints are confirm and import csv --yes with the file, never `roster sync --yes`", async () => {
      const { dirId, file, held } = await heldUpload();
      const runId = /^Sync run (sync_\w+): needs_confirmation$/m.exec(held.stdout)?.[1] as string;
      expect(hints(held.stderr)).toEqual([
        `roster sync confirm ${dirId} ${runId}`,
        `roster import csv ${dirId} ${file} --yes`,
        `roster sync discard ${dirId} ${runId}`,
      ]);

      const again = await follow(hints(held.stderr)[1]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/Run sync_\w+ would remove 4 users: confirming \(--yes\)\./);
      expect(again.stdout).toMatch(/^deactivated +4 +-$/m);
      expect(await activeUsernames(dirId)).toEqual(["a"]);
    });

    it("`roster sync` of it is refused and leaves the held run confirmable by the printed hint", async () => {
      const { dirId, held } = await heldUpload();
      const refused = await cli.exit("sync", dirId, "--yes");
      expect(refused).toMatchObject({ code: 1, stdout: "" });
      expect(refused.stderr).toMatch(
        /^roster: This CSV directory has no path: upload rows .*\(409 source_misconfigured\)\n$/,
      );
      const status = await cli.exit("sync", "status", dirId);
      expect(hints(status.stderr)).toEqual([hints(held.stderr)[0], hints(held.stderr)[2]]);

      const confirmed = await follow(hints(held.stderr)[0]);
      expect(confirmed.code).toBe(0);
      expect(confirmed.stdout).toMatch(/^deactivated +4 +-$/m);
      expect(await activeUsernames(dirId)).toEqual(["a"]);
    });

    it("a dry run the guard would hold points to import csv --yes with the file, which works", async () => {
      const dir = await live.admin.directories.create({ organization_id: org.id, name: "Uploads", type: "csv" });
      const file = join(files, `${dir.id}.csv`);
      await writeFile(file, "username\na\nb\nc\n");
      await cli.exit("import", "csv", dir.id, file);
      await writeFile(file, "username\na\n");
      const dry = await cli.exit("import", "csv", dir.id, file, "--dry-run");
      expect(dry.code).toBe(2);
      expect(hints(dry.stderr)).toEqual([`roster import csv ${dir.id} ${file} --yes`]);
      expect((await follow(hints(dry.stderr)[0])).code).toBe(0);
      expect(await activeUsernames(dir.id)).toEqual(["a"]);
    });

    it("--allow-partial exits 0 when rows failed; --json output is the run either way", async () => {
      const dir = await live.admin.directories.create({ organization_id: org.id, name: "Uploads", type: "csv" });
      const file = join(files, `${dir.id}.csv`);
      await writeFile(file, "username,email\nada,ada@acme.test\n,nobody@acme.test\n");
      const strict = await cli.exit("import", "csv", dir.id, file, "--json");
      expect(strict.code).toBe(3);
      expect((JSON.parse(strict.stdout) as SyncRun).counts).toMatchObject({ created: 1, failed: 1 });
      const partial = await cli.exit("import", "csv", dir.id, file, "--allow-partial");
      expect(partial.code).toBe(0);
      expect(partial.stdout).toMatch(/^failed +1 +0$/m);
    });
  });
});
