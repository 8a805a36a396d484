import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  type MemoryData,
  memoryConnector,
  memoryData,
  sourceGroup,
  sourceUser,
} from "../../test/support/memory-connector.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { csvKind } from "../connectors/csv/index.js";

const admin = bearer(ADMIN_KEY);

describe.each(DIALECTS)("connector records the store cannot keep, on %s", (dialect) => {
  let t: TestApp;
  let data: MemoryData;
  let orgId: string;

  beforeAll(async () => {
    data = memoryData();
    t = await createTestApp(
      dialect,
      { ROSTER_SECRET_KEY: "record-limits-secret-key-0123456789" },
      { logger: false, connectorKinds: { ldap: memoryConnector(data), csv: csvKind } },
    );
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
  });
  afterAll(async () => t.close());
  afterEach(() => {
    Object.assign(data, memoryData());
  });

  async function createDirectory(type: "ldap" | "csv"): Promise<string> {
    const connector = type === "ldap" ? { host: "ldap.test" } : {};
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: type, type, connector },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function lastRun(dirId: string) {
    await t.app.sync.idle();
    return (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  }

  async function usernames(dirId: string): Promise<string[]> {
    const res = await t.app.inject({
      method: "GET",
      url: `/directory_users?directory=${dirId}&limit=100`,
      headers: admin,
    });
    return (res.json().data as { username: string }[]).map((u) => u.username).sort();
  }

  it("flags a source record with U+0000, an unpaired surrogate or an over-long value invalid, and syncs the rest", async () => {
    const dirId = await createDirectory("ldap");
    data.users = [
      sourceUser("ada"),
      sourceUser("nul", { rawAttributes: { department: "R\u0000D" } }),
      sourceUser("surrogate", { lastName: "x\ud800" }),
      sourceUser("k\u0000y"),
      sourceUser("long", { username: "x".repeat(1025) }),
      sourceUser("many", { rawAttributes: { phones: Array.from({ length: 1001 }, (_, i) => String(i)) } }),
      sourceUser("bob"),
    ];
    data.groups = [sourceGroup("eng", ["ada", "bob"]), { ...sourceGroup("bad", ["ada"]), name: "bad\u0000" }];
    const res = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin, payload: {} });
    expect(res.statusCode, res.body).toBe(202);
    const run = await lastRun(dirId);
    expect(run, JSON.stringify(run.failure)).toMatchObject({ state: "succeeded" });
    expect(run.counts).toMatchObject({ created: 2, failed: 5 });
    expect(run.group_counts).toMatchObject({ created: 1 });
    expect(run.errors).toEqual(
      expect.arrayContaining([
        { ref: "uid=nul", message: "department holds U+0000 or an unpaired surrogate" },
        { ref: "uid=long", message: "userName is longer than 1,024 characters" },
        { ref: "uid=many", message: "phones has more than 1,000 values" },
        { ref: "uid=surrogate", message: "name.familyName holds U+0000 or an unpaired surrogate" },
        { ref: "cn=bad", message: "displayName holds U+0000 or an unpaired surrogate" },
      ]),
    );
    expect(await usernames(dirId)).toEqual(["ada", "bob"]);
  });

  it("fails a CSV row holding U+0000 alone; the other rows are stored", async () => {
    const dirId = await createDirectory("csv");
    const csv = [
      "username,email,department",
      "ada,ada@acme.com,R&D",
      "nul,nul@acme.com,R\u0000D",
      `${"y".repeat(1100)},long@acme.com,Ops`,
      "bob,bob@acme.com,Ops",
    ].join("\n");
    const upload = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/csv`,
      headers: { ...admin, "content-type": "text/csv" },
      payload: csv,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    const run = await lastRun(dirId);
    expect(run, JSON.stringify(run.failure)).toMatchObject({ state: "succeeded" });
    expect(run.counts).toMatchObject({ created: 2, failed: 2 });
    expect(run.errors.map((e: { message: string }) => e.message).sort()).toEqual([
      "department holds U+0000 or an unpaired surrogate",
      "userName is longer than 1,024 characters; externalId is longer than 1,024 characters",
    ]);
    expect(await usernames(dirId)).toEqual(["ada", "bob"]);
  });
});
