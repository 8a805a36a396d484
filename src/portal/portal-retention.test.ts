import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { houseKeep } from "../server/housekeeping.js";

describe.each(DIALECTS)("pruning setup links and portal sessions on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    orgId = (await createOrgWithKey(t.app, "Acme")).orgId;
  });
  afterAll(async () => t?.close());

  const link = async () =>
    (
      await t.app.inject({
        method: "POST",
        url: "/portal/generate_link",
        headers: bearer(ADMIN_KEY),
        payload: { organization: orgId, intent: "dsync" },
      })
    ).json().link as string;
  const open = async (l: string) =>
    /roster_portal=([^;]+)/.exec(
      String((await t.app.inject({ method: "GET", url: l.replace("http://roster.test", "") })).headers["set-cookie"]),
    )?.[1] ?? "";
  const portal = (session: string) =>
    t.app.inject({ method: "GET", url: "/portal", headers: { cookie: `roster_portal=${session}` } });
  const count = async (table: "web_sessions" | "portal_links") =>
    Number(
      (
        await t.storage.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("keeps a live session and its link, then removes the expired session and, once no session can use it, the link", async () => {
    const session = await open(await link());
    await link(); // never opened
    t.clock.advance(59 * 60_000);
    expect((await houseKeep(t.deps)).portalPruned).toBe(0);
    expect((await portal(session)).statusCode).toBe(200);

    t.clock.advance(60_000);
    expect((await houseKeep(t.deps)).portalPruned).toBe(1);
    expect(await count("web_sessions")).toBe(0);
    expect(await count("portal_links")).toBe(2);

    // The links expired 5 minutes after they were made; a session opened at that last moment ends an hour later.
    t.clock.advance(5 * 60_000);
    expect((await houseKeep(t.deps)).portalPruned).toBe(0);
    t.clock.advance(1);
    expect((await houseKeep(t.deps)).portalPruned).toBe(2);
    expect(await count("portal_links")).toBe(0);
  });
});
