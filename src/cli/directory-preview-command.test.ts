import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryUser } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, seedDirectory, startLiveServer } from "./live-test-server.js";

describe("roster directory preview-mapping against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;
  let seeded: Awaited<ReturnType<typeof seedDirectory>>;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
    seeded = await seedDirectory(live.admin, "Acme");
  });
  afterAll(async () => live?.close());

  it("prints the user's custom attributes and role under the trial mappings, and saves nothing", async () => {
    const { directory, users } = seeded;
    const out = await cli.exit(
      "directory",
      "preview-mapping",
      directory.id,
      "--user",
      users.ada,
      "--attribute-mapping",
      '{"given": "name.givenName", "title": "title"}',
      "--role-mapping",
      '[{"group": "idp-eng", "role": "engineer", "priority": 1}]',
    );
    expect(out.code, out.stderr).toBeUndefined();
    expect(out.stdout).toContain("role: engineer");
    expect(out.stdout).toContain('given: "Ada"');
    expect(out.stdout).toContain('title: "Engineer"');
    const json = await cli.exit(
      "directory",
      "preview-mapping",
      directory.id,
      "--user",
      users.ada,
      "--attribute-mapping",
      '{"given": "name.givenName"}',
      "--json",
    );
    expect((JSON.parse(json.stdout) as DirectoryUser).custom_attributes).toEqual({ given: "Ada" });
    expect(await live.admin.directories.get(directory.id)).toMatchObject({ attribute_mapping: {}, role_mapping: [] });
    expect((await live.admin.directoryUsers.get(users.ada)).custom_attributes).toEqual({});
  });

  it("exits 1 with the API's field error for an invalid mapping", async () => {
    const out = await cli.exit(
      "directory",
      "preview-mapping",
      seeded.directory.id,
      "--user",
      seeded.users.ada,
      "--attribute-mapping",
      '{"1st": "title"}',
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("attribute_mapping.1st");
  });
});
