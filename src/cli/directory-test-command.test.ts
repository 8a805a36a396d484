import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OktaStandin, startOktaStandin } from "../../test/support/okta-standin.js";
import type { ConnectorTestResult, Organization } from "../client/index.js";
import { RosterApiError } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, startLiveServer } from "./live-test-server.js";

const WRONG_TOKEN = "00wrong-okta-token-do-not-print-123";

describe("roster directory test and directories.testConnector against a real server and the Okta stand-in", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;
  let okta: OktaStandin;
  let org: Organization;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
    okta = await startOktaStandin();
    org = await live.admin.organizations.create({ name: "Acme" });
  });
  afterAll(async () => {
    await live?.close();
    await okta?.close();
  });

  const oktaDirectory = async (token: string) =>
    (
      await live.admin.directories.create({
        organization_id: org.id,
        name: "Okta",
        type: "okta api",
        connector: { org_url: okta.orgUrl, token },
      })
    ).id;

  it("prints every check and exits 0 when the token may read users and groups", async () => {
    const id = await oktaDirectory(okta.token);
    const out = await cli.exit("directory", "test", id);
    expect(out.code).toBeUndefined();
    expect(out.stdout).toMatch(/^okta\.groups\.read +ok +/m);
    expect(out.stdout).toContain("Every check passed.");
    const viaSdk = await live.admin.directories.testConnector(id);
    expect(viaSdk.ok).toBe(true);
    expect(viaSdk.checks.map((c) => c.name)).toEqual([
      "org_url reachable",
      "API token accepted",
      "okta.users.read",
      "okta.groups.read",
    ]);
  });

  it("exits 1 on a refused token, with Okta's words and never the token, in text and in --json", async () => {
    const id = await oktaDirectory(WRONG_TOKEN);
    const out = await cli.exit("directory", "test", id);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^API token accepted +FAILED +.*Invalid token provided/m);
    const json = await cli.exit("directory", "test", id, "--json");
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as ConnectorTestResult;
    expect(parsed.ok).toBe(false);
    for (const text of [out.stdout, json.stdout, out.stderr]) expect(text).not.toContain(WRONG_TOKEN);
  });

  it("says why a csv directory cannot be tested, through the CLI and as a typed SDK error", async () => {
    const csv = await live.admin.directories.create({ organization_id: org.id, name: "HR", type: "csv" });
    const out = await cli.exit("directory", "test", csv.id);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("no connector test");
    const error = await live.admin.directories.testConnector(csv.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterApiError);
    expect(error).toMatchObject({ status: 422, code: "connector_test_unsupported" });
  });
});
