import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, startLiveServer } from "./live-test-server.js";

describe("roster portal link against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;
  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
  });
  afterAll(async () => live?.close());

  it("prints a setup link for the organization, which opens the portal once", async () => {
    const org = await live.admin.organizations.create({ name: "Portal Co" });
    const out = await cli.run("portal", "link", "--org", org.id, "--success-url", "https://app.example/done");
    const link = /^ {2}(http\S+)$/m.exec(out)?.[1] ?? "";
    expect(out).toMatch(new RegExp(`^Setup link for ${org.id}:\\n`));
    expect(link.startsWith(`${live.url}/portal/launch?secret=portal_`)).toBe(true);
    expect(out).toContain("it opens once, within 5 minutes");
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(link)).status).toBe(410);
  });

  it("prints {link} with --json, and one clear line for an unknown organization", async () => {
    const org = await live.admin.organizations.create({ name: "Json Co" });
    expect(await cli.json<{ link: string }>("portal", "link", "--org", org.id)).toEqual({
      link: expect.stringContaining("/portal/launch?secret=portal_"),
    });
    const failed = await cli.exit("portal", "link", "--org", "org_01ARZ3NDEKTSV4RRFFQ69G5FAV");
    expect(failed).toMatchObject({
      code: 1,
      stderr: "roster: Organization org_01ARZ3NDEKTSV4RRFFQ69G5FAV not found (404 not_found)\n",
    });
  });
});
