import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Directory } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, seedDirectory, startLiveServer } from "./live-test-server.js";

describe("a deleted directory, as the CLI reports it", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
  });
  afterAll(async () => live?.close());

  const utc = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$/, "Z");

  it("users list and groups list --directory say it is deleted and until when it can be restored, and exit 1", async () => {
    const { directory } = await seedDirectory(live.admin, "Gone");
    const deleted = await live.admin.directories.delete(directory.id);
    expect(deleted.restorable_until).toBe(
      new Date(Date.parse(deleted.deleted_at as string) + 7 * 86_400_000).toISOString(),
    );
    const restore = `roster directory restore ${directory.id}`;

    const users = await cli.exit("users", "list", "--directory", directory.id);
    expect(users).toEqual({
      code: 1,
      stdout: "",
      stderr: `roster: directory ${directory.id} was deleted at ${utc(deleted.deleted_at as string)}, so its users are not listed; it can be restored until ${utc(deleted.restorable_until as string)} with: ${restore}\n`,
    });
    const groups = await cli.exit("groups", "list", "--directory", directory.id, "--json");
    expect(groups).toMatchObject({
      code: 1,
      stdout: "",
      stderr: expect.stringContaining(`so its groups are not listed; it can be restored until`),
    });

    const shown = await cli.exit("directory", "get", directory.id);
    expect(shown.stdout).toMatch(new RegExp(`restorable until +${utc(deleted.restorable_until as string)}\\n`));

    // The hint works as printed, and then the users are there again.
    expect((await cli.exit(...restore.replace(/^roster /, "").split(" "))).code).toBeUndefined();
    const back = await cli.exit("users", "list", "--directory", directory.id, "--json");
    expect(back.code).toBeUndefined();
    expect((JSON.parse(back.stdout) as { data: unknown[] }).data).toHaveLength(3);
  });

  it("a live directory with no users still lists nothing and exits 0", async () => {
    const org = await live.admin.organizations.create({ name: "Empty" });
    const directory: Directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "IdP",
      type: "okta scim v2.0",
    });
    expect(directory.restorable_until).toBeNull();
    expect(await cli.exit("users", "list", "--directory", directory.id)).toEqual({
      code: undefined,
      stdout: "No directory users.\n",
      stderr: "",
    });
  });
});
