import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryGroup, DirectoryUser, List } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, seedDirectory, startLiveServer } from "./live-test-server.js";

describe("roster users / roster groups against a real server", () => {
  let live: LiveServer;
  let seed: Awaited<ReturnType<typeof seedDirectory>>;
  let cli: ReturnType<typeof cliAgainst>;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
    seed = await seedDirectory(live.admin, "Acme");
  });
  afterAll(async () => live?.close());

  it("lists a directory's users as a table, with state, role and groups", async () => {
    const lines = (await cli.run("users", "list", "--directory", seed.directory.id)).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID {2,}USERNAME {2,}NAME {2,}STATE {2,}ROLE {2,}GROUPS$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual([
      `cy@${seed.domain}`,
      `bob@${seed.domain}`,
      `ada@${seed.domain}`,
    ]);
    expect(lines.find((l) => l.startsWith(seed.users.ada))).toMatch(/Ada Lovelace +active +- +Engineering$/);
    expect(lines.find((l) => l.startsWith(seed.users.bob))).toMatch(/inactive +- +Engineering$/);
  });

  it("filters users by --state and --group, prints JSON, and follows pages with --all", async () => {
    const inactive = await cli.json<List<DirectoryUser>>(
      "users",
      "list",
      "--directory",
      seed.directory.id,
      "--state",
      "inactive",
    );
    expect(inactive.data.map((u) => u.id)).toEqual([seed.users.bob]);
    const members = await cli.json<List<DirectoryUser>>("users", "list", "--group", seed.groups.engineering);
    expect(members.data.map((u) => u.id).sort()).toEqual([seed.users.ada, seed.users.bob].sort());

    const page = await cli.run("users", "list", "--directory", seed.directory.id, "--limit", "2");
    expect(page).toMatch(
      new RegExp(
        `More results: roster users list --directory ${seed.directory.id} --limit 2 --after directory_user_\\w+`,
      ),
    );
    const all = await cli.json<List<DirectoryUser>>(
      "users",
      "list",
      "--directory",
      seed.directory.id,
      "--limit",
      "2",
      "--all",
    );
    expect(all.data).toHaveLength(3);
    expect(all.list_metadata).toEqual({ before: null, after: null });
  });

  it("shows one user with its emails, groups and custom attributes", async () => {
    await live.admin.directories.update(seed.directory.id, {
      attribute_mapping: { given: "name.givenName" },
      role_mapping: [{ group: "Engineering", role: "engineer", priority: 1 }],
    });
    const out = await cli.run("users", "get", seed.users.ada);
    expect(out).toMatch(new RegExp(`^Directory user ${seed.users.ada}\\n`));
    expect(out).toMatch(new RegExp(`email +ada@${seed.domain.replace(".", "\\.")}`));
    expect(out).toMatch(/name +Ada Lovelace/);
    expect(out).toMatch(/idp id +idp-ada/);
    expect(out).toMatch(/roles +engineer/);
    expect(out).toContain(`Engineering (${seed.groups.engineering})`);
    expect(out).toMatch(/custom attributes\n +given +Ada/);
    expect((await cli.json<DirectoryUser>("users", "get", seed.users.ada)).role).toEqual({ slug: "engineer" });
  });

  it("lists groups by --directory and by --user, and shows one", async () => {
    const lines = (await cli.run("groups", "list", "--directory", seed.directory.id)).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID {2,}NAME {2,}IDP ID {2,}DIRECTORY {2,}CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual(["Sales", "Engineering"]);
    expect(lines.find((l) => l.startsWith(seed.groups.engineering))).toContain("idp-eng");

    const ofCy = await cli.json<List<DirectoryGroup>>("groups", "list", "--user", seed.users.cy);
    expect(ofCy.data.map((g) => g.name)).toEqual(["Sales"]);
    expect(
      await cli
        .run("groups", "list", "--user", seed.users.cy, "--org", "org_01ARZ3NDEKTSV4RRFFQ69G5FAV")
        .catch((err: Error) => err.message),
    ).toMatch(/404 not_found/);

    const out = await cli.run("groups", "get", seed.groups.engineering);
    expect(out).toMatch(new RegExp(`^Directory group ${seed.groups.engineering}\\n {2}name +Engineering\\n`));
    expect(out).toContain(`Members: roster users list --group ${seed.groups.engineering}`);
  });

  it("prints one error line when the admin key names no filter or the id is unknown", async () => {
    const missing = await cli.exit("users", "list");
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^roster: .*\(400 \w+\).*directory/);
    expect(missing.code).toBe(1);

    const unknown = "directory_group_01ARZ3NDEKTSV4RRFFQ69G5FAV";
    expect((await cli.exit("groups", "get", unknown)).stderr).toBe(
      `roster: Directory group ${unknown} not found (404 not_found)\n`,
    );
    expect((await cli.exit("users", "list", "--directory", seed.directory.id, "--state", "gone")).stderr).toMatch(
      /Allowed choices are active, inactive/,
    );
  });
});
