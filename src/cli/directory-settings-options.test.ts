import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Directory, DirectoryUser, Organization } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, seedDirectory, startLiveServer } from "./live-test-server.js";

describe("roster directory update's settings and roster org update/delete, against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
  });
  afterAll(async () => live?.close());

  it("sets the domain, the deactivated-members policy and both mappings, which apply to the users at once", async () => {
    const { directory, users, groups } = await seedDirectory(live.admin, "Mapped");
    const updated = await cli.exit(
      "directory",
      "update",
      directory.id,
      "--domain",
      "mapped.test",
      "--deactivated-members",
      "hide",
      "--attribute-mapping",
      JSON.stringify({ title: "title" }),
      "--role-mapping",
      JSON.stringify([{ group: "Engineering", role: "engineer", priority: 10 }]),
    );
    expect(updated.code).toBeUndefined();
    expect(updated.stdout).toMatch(/domain +mapped\.test\n/);
    expect(updated.stdout).toMatch(/deactivated +hide\n/);
    expect(updated.stdout).toMatch(/attribute mapping +\{"title":"title"\}\n/);
    expect(updated.stdout).toMatch(/role mapping +Engineering → engineer \(10\)\n/);
    const ada = await cli.json<DirectoryUser>("users", "get", users.ada);
    expect(ada).toMatchObject({ role: { slug: "engineer" }, custom_attributes: { title: "Engineer" } });
    expect(groups.engineering).toBeDefined();

    const cleared = await cli.json<Directory>(
      "directory",
      "update",
      directory.id,
      "--domain",
      "",
      "--attribute-mapping",
      "null",
      "--role-mapping",
      "null",
    );
    expect(cleared).toMatchObject({ domain: null, attribute_mapping: {}, role_mapping: [] });
    expect((await cli.json<DirectoryUser>("users", "get", users.ada)).role).toBeNull();
  });

  it("refuses a mapping that is not JSON, or of the wrong shape, before sending anything; relays the server's refusal of a bad rule", async () => {
    const { directory } = await seedDirectory(live.admin, "Unmapped");
    expect(await cli.exit("directory", "update", directory.id, "--attribute-mapping", "{oops")).toMatchObject({
      code: 1,
      stdout: "",
      stderr: expect.stringMatching(/^roster: --attribute-mapping is not valid JSON/),
    });
    expect(await cli.exit("directory", "update", directory.id, "--attribute-mapping", "[1]")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("must be a JSON object of strings"),
    });
    expect(await cli.exit("directory", "update", directory.id, "--role-mapping", "{}")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("must be a JSON array"),
    });
    const bad = await cli.exit(
      "directory",
      "update",
      directory.id,
      "--role-mapping",
      JSON.stringify([{ group: "Engineering" }]),
    );
    expect(bad).toMatchObject({ code: 1, stdout: "", stderr: expect.stringContaining("(422 validation_error)") });
    expect(await cli.exit("directory", "update", directory.id, "--deactivated-members", "vanish")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("Allowed choices are hide, remove, keep"),
    });
    expect((await live.admin.directories.get(directory.id)).role_mapping).toEqual([]);
  });

  it("creates a directory with --deactivated-members", async () => {
    const org = await live.admin.organizations.create({ name: "Kept" });
    const created = await cli.json<Directory>(
      "directory",
      "create",
      "--org",
      org.id,
      "--name",
      "IdP",
      "--type",
      "okta scim v2.0",
      "--deactivated-members",
      "keep",
    );
    expect(created.deactivated_members).toBe("keep");
  });

  it("org update renames and replaces or clears the domains; org delete is refused while directories remain, then deletes", async () => {
    const org = await cli.json<Organization>("org", "create", "Renamed", "--domain", "a.test");
    const renamed = await cli.exit("org", "update", org.id, "--name", "Renamed Inc", "--domain", "b.test", "c.test");
    expect(renamed.stdout).toMatch(
      new RegExp(
        `^Updated organization ${org.id}\\.\\nOrganization ${org.id}\\n +name +Renamed Inc\\n +domains +b\\.test, c\\.test\\n`,
      ),
    );
    expect((await cli.json<Organization>("org", "update", org.id, "--no-domains")).domains).toEqual([]);
    expect(await cli.exit("org", "update", org.id)).toEqual({
      code: 1,
      stdout: "",
      stderr: "roster: nothing to change: pass --name, --domain or --no-domains\n",
    });

    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "IdP",
      type: "okta scim v2.0",
    });
    const refused = await cli.exit("org", "delete", org.id);
    expect(refused).toMatchObject({ code: 1, stdout: "", stderr: expect.stringMatching(/\(409 \w+\)\n$/) });
    // A deleted directory that can still be restored keeps its organization too.
    await live.admin.directories.delete(directory.id);
    expect(await cli.exit("org", "delete", org.id)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("(409 organization_has_restorable_directories)"),
    });
    const empty = await cli.json<Organization>("org", "create", "Empty");
    const deleted = await cli.exit("org", "delete", empty.id, "--json");
    expect(deleted.code).toBeUndefined();
    expect(JSON.parse(deleted.stdout)).toEqual({ object: "organization", id: empty.id, deleted: true });
    expect(await cli.exit("org", "get", empty.id)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("(404 not_found)"),
    });
  });
});
