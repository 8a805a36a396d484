import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { List, ScimRequest } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, seedDirectory, startLiveServer, waitFor } from "./live-test-server.js";

describe("roster directory requests against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
  });
  afterAll(async () => live?.close());

  it("lists what the identity provider sent, newest first; --errors keeps the refused ones with their detail", async () => {
    const { directory } = await seedDirectory(live.admin, "Logged");
    const base = directory.scim?.base_url as string;
    const refused = await fetch(`${base}/Users`, {
      method: "POST",
      headers: { authorization: `Bearer ${directory.scim?.token}`, "content-type": "application/scim+json" },
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"] }),
    });
    expect(refused.status).toBe(400);
    // The log is written off the request path: wait until the refused request is in it.
    await waitFor(
      async () => (await live.admin.directories.scimRequests(directory.id, { errors_only: true })).data.length === 1,
      "the request log",
    );

    const all = await cli.json<List<ScimRequest>>("directory", "requests", directory.id, "--all");
    expect(all.data.length).toBeGreaterThanOrEqual(7);
    expect(all.data[0]).toMatchObject({
      object: "scim_request",
      method: "POST",
      path: `/scim/v2/${directory.id}/Users`,
      status: 400,
    });

    const errors = await cli.exit("directory", "requests", directory.id, "--errors");
    expect(errors.code).toBeUndefined();
    const lines = errors.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TIME +METHOD +PATH +STATUS +MS +ERROR$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/ POST +\/Users +400 +\d+ +userName is required/);

    const page = await cli.exit("directory", "requests", directory.id, "--limit", "2");
    expect(page.stdout).toContain(`More results: roster directory requests ${directory.id} --limit 2 --after scimreq_`);
    expect((await cli.exit("directory", "requests", directory.id, "--status", "999")).code).toBe(1);
  });

  it("says when a directory has received nothing yet", async () => {
    const org = await live.admin.organizations.create({ name: "Quiet" });
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "IdP",
      type: "okta scim v2.0",
    });
    expect((await cli.exit("directory", "requests", directory.id)).stdout).toBe(
      `Directory ${directory.id} has received no SCIM requests yet.\n`,
    );
  });
});
