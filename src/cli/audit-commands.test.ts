import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry, List } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, startLiveServer } from "./live-test-server.js";

describe("roster audit list and the SDK's auditLog against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
  });
  afterAll(async () => live?.close());

  it("lists administrative actions newest first, filtered by action, and the SDK reads the same entries", async () => {
    const org = await live.admin.organizations.create({ name: "Audited" });
    const key = await live.admin.apiKeys.create(org.id, { name: "ci" });
    await live.admin.apiKeys.revoke(org.id, key.id);

    const all = await cli.json<List<AuditEntry>>("audit", "list", "--org", org.id, "--all");
    expect(all.data.map((e) => e.action)).toEqual(["api_key.revoked", "api_key.created", "organization.created"]);

    const table = await cli.exit("audit", "list", "--action", "api_key.revoked");
    expect(table.code).toBeUndefined();
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TIME +ACTION +ACTOR +TARGET +ORGANIZATION +FROM$/);
    expect(lines[1]).toMatch(new RegExp(` api_key.revoked +admin +${key.id} +${org.id} +127\\.0\\.0\\.1$`));

    const viaSdk = await live.admin.auditLog.list({ organization_id: org.id, action: ["api_key.created"] });
    expect(viaSdk.data).toMatchObject([
      { object: "audit_entry", action: "api_key.created", target_id: key.id, actor: { kind: "admin", id: null } },
    ]);
    const iterated: string[] = [];
    for await (const entry of live.admin.auditLog.iterate({ organization_id: org.id, limit: 1, order: "asc" }))
      iterated.push(entry.action);
    expect(iterated).toEqual(["organization.created", "api_key.created", "api_key.revoked"]);
  });
});
