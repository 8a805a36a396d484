import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { refuseAuditAction } from "../../test/support/failing-audit.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { csrfToken } from "../web/csrf.js";

/** Log lines written by the app, kept to check what a log may and may not say. */
function logCapture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe.each(DIALECTS)("setup links on %s", (dialect) => {
  let t: TestApp;
  let acme: { orgId: string; key: string };
  let globex: { orgId: string; key: string };
  const logs = logCapture();
  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { logger: true, logStream: logs.stream });
    acme = await createOrgWithKey(t.app, "Acme");
    globex = await createOrgWithKey(t.app, "Globex");
  });
  afterAll(async () => t?.close());

  const generate = (key: string, payload: object) =>
    t.app.inject({ method: "POST", url: "/portal/generate_link", headers: bearer(key), payload });
  const linkFor = async (orgId: string, extra: object = {}) => {
    const res = await generate(ADMIN_KEY, { organization: orgId, intent: "dsync", ...extra });
    expect(res.statusCode).toBe(201);
    return res.json().link as string;
  };
  const open = (link: string) => t.app.inject({ method: "GET", url: link.replace("http://roster.test", "") });
  const sessionOf = (res: { headers: Record<string, unknown> }) =>
    /roster_portal=([^;]+)/.exec(String(res.headers["set-cookie"]))?.[1] ?? "";

  it("answers WorkOS's shape: {link} for the admin key or the organization's own key", async () => {
    const res = await generate(acme.key, {
      organization: acme.orgId,
      intent: "dsync",
      return_url: "https://app.example/settings",
    });
    expect(res.statusCode).toBe(201);
    expect(Object.keys(res.json())).toEqual(["link"]);
    expect(res.json().link).toMatch(/^http:\/\/roster\.test\/portal\/launch\?secret=portal_[A-Za-z0-9_-]{43}$/);
    const stored = await t.storage.db
      .selectFrom("portal_links")
      .selectAll()
      .where("organization_id", "=", acme.orgId)
      .execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(res.json().link.split("secret=")[1]);
    expect(stored[0]).toMatchObject({
      intent: "dsync",
      return_url: "https://app.example/settings",
      success_url: null,
      opened_at: null,
      expires_at: "2026-01-01T00:05:00.000Z",
    });
  });

  it("refuses another organization's key as not found, a missing key, another intent and a non-http URL", async () => {
    const other = await generate(globex.key, { organization: acme.orgId, intent: "dsync" });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({ code: "not_found", message: `Organization ${acme.orgId} not found` });
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/portal/generate_link",
          payload: { organization: acme.orgId, intent: "dsync" },
        })
      ).statusCode,
    ).toBe(401);
    const sso = await generate(ADMIN_KEY, { organization: acme.orgId, intent: "sso" });
    expect(sso.statusCode).toBe(422);
    expect(sso.json().errors).toEqual([{ field: "intent", code: "unsupported", message: 'must be "dsync"' }]);
    const script = await generate(ADMIN_KEY, {
      organization: acme.orgId,
      intent: "dsync",
      success_url: "javascript:alert(1)",
    });
    expect(script.statusCode).toBe(422);
    expect(script.json().errors[0]).toMatchObject({ field: "success_url", code: "format" });
    expect(
      (await generate(ADMIN_KEY, { organization: "org_01J00000000000000000000000", intent: "dsync" })).statusCode,
    ).toBe(404);
  });

  it("opens once: the first open starts a one-hour HttpOnly, SameSite=Strict session; the second says the link was used", async () => {
    const link = await linkFor(acme.orgId);
    const first = await open(link);
    expect(first.statusCode).toBe(200);
    expect(first.headers["set-cookie"]).toMatch(
      /^roster_portal=session_[A-Za-z0-9_-]{43}; Path=\/portal; Max-Age=3600; HttpOnly; SameSite=Strict$/,
    );
    expect(first.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(first.headers["x-frame-options"]).toBe("DENY");
    expect(first.headers["referrer-policy"]).toBe("no-referrer");
    const home = await t.app.inject({
      method: "GET",
      url: "/portal",
      headers: { cookie: `roster_portal=${sessionOf(first)}` },
    });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("Directory setup for Acme");

    const again = await open(link);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("This setup link has already been used");
    expect(again.headers["set-cookie"]).toBeUndefined();
  });

  it("claims a link, starts its session and writes portal.link.opened together: a failed entry leaves the link unclaimed, a refused open writes none", async () => {
    const link = await linkFor(acme.orgId);
    const row = await t.storage.db
      .selectFrom("portal_links")
      .selectAll()
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const openedEntries = async () =>
      (
        await t.storage.db
          .selectFrom("audit_log")
          .selectAll()
          .where("action", "=", "portal.link.opened")
          .where("target_id", "=", row.id)
          .execute()
      ).length;
    const sessionsOfLink = async () =>
      (await t.storage.db.selectFrom("web_sessions").select("id").where("link_id", "=", row.id).execute()).length;

    const lift = await refuseAuditAction(dialect, t.storage.db, "portal.link.opened");
    let failed: Awaited<ReturnType<typeof open>>;
    try {
      failed = await open(link);
    } finally {
      await lift();
    }
    expect(failed.statusCode).toBe(500);
    expect(failed.headers["set-cookie"]).toBeUndefined();
    expect(
      (
        await t.storage.db
          .selectFrom("portal_links")
          .select("opened_at")
          .where("id", "=", row.id)
          .executeTakeFirstOrThrow()
      ).opened_at,
    ).toBeNull();
    expect(await sessionsOfLink()).toBe(0);
    expect(await openedEntries()).toBe(0);

    // Still unclaimed, so it opens now, with its entry; opening it again is refused and writes nothing more.
    expect((await open(link)).statusCode).toBe(200);
    expect(await openedEntries()).toBe(1);
    expect(await sessionsOfLink()).toBe(1);
    expect((await open(link)).statusCode).toBe(410);
    expect(await openedEntries()).toBe(1);
    expect(await sessionsOfLink()).toBe(1);
  });

  it("expires five minutes after it was made, unopened; an unknown secret is not valid", async () => {
    const link = await linkFor(acme.orgId);
    t.clock.advance(5 * 60_000);
    const late = await open(link);
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain("This setup link has expired");
    expect(late.body).not.toMatch(/at .*\.(ts|js):\d+/);
    const unknown = await open("/portal/launch?secret=portal_nope");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain("This setup link is not valid");
  });

  it("a session ends after an hour", async () => {
    const session = sessionOf(await open(await linkFor(acme.orgId)));
    expect(
      (await t.app.inject({ method: "GET", url: "/portal", headers: { cookie: `roster_portal=${session}` } }))
        .statusCode,
    ).toBe(200);
    t.clock.advance(60 * 60_000);
    const ended = await t.app.inject({
      method: "GET",
      url: "/portal",
      headers: { cookie: `roster_portal=${session}` },
    });
    expect(ended.statusCode).toBe(401);
    expect(ended.body).toContain("Your setup session has ended");
  });

  it("a portal session reaches its organization's directories only, and opens nothing of the API", async () => {
    const theirs = (
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(globex.key),
        payload: { name: "Globex Okta", type: "okta scim v2.0" },
      })
    ).json();
    const session = sessionOf(await open(await linkFor(acme.orgId)));
    const cookie = { cookie: `roster_portal=${session}` };
    for (const url of [`/portal/directories/${theirs.id}`, `/portal/directories/${theirs.id}/activity`]) {
      const res = await t.app.inject({ method: "GET", url, headers: cookie });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain("Globex Okta");
    }
    const rotate = await t.app.inject({
      method: "POST",
      url: `/portal/directories/${theirs.id}/token`,
      headers: cookie,
      payload: { _csrf: csrfToken(session) },
    });
    expect(rotate.statusCode).toBe(404);
    expect(
      await t.storage.db.selectFrom("directory_tokens").select("id").where("directory_id", "=", theirs.id).execute(),
    ).toHaveLength(1);
    expect((await t.app.inject({ method: "GET", url: "/directories", headers: cookie })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/directories", headers: bearer(session) })).statusCode).toBe(401);
  });

  it("refuses a state-changing request without the session's CSRF token", async () => {
    const session = sessionOf(await open(await linkFor(acme.orgId)));
    const cookie = { cookie: `roster_portal=${session}` };
    const before = await t.storage.db
      .selectFrom("directories")
      .select("id")
      .where("organization_id", "=", acme.orgId)
      .execute();
    const form = (body: string) =>
      t.app.inject({
        method: "POST",
        url: "/portal/directories",
        headers: { ...cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: body,
      });
    expect((await form("idp=okta&name=Sneaky")).statusCode).toBe(403);
    expect((await form(`idp=okta&name=Sneaky&_csrf=${csrfToken("session_another")}`)).statusCode).toBe(403);
    expect(
      await t.storage.db.selectFrom("directories").select("id").where("organization_id", "=", acme.orgId).execute(),
    ).toEqual(before);
    const made = await form(`idp=okta&name=Okta+prod&_csrf=${csrfToken(session)}`);
    expect(made.statusCode).toBe(200);
    expect(made.headers["cache-control"]).toBe("no-store");
    expect(made.body).toMatch(/value="scim_[A-Za-z0-9_-]{43}"/);
  });

  it("logs creating and opening a link at info, never the secret", async () => {
    const link = await linkFor(acme.orgId);
    await open(link);
    const secret = link.split("secret=")[1] ?? "";
    const text = logs.lines.join("\n");
    expect(text).not.toContain(secret);
    const created = logs.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "setup link created");
    const opened = logs.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "setup link opened");
    expect(created.at(-1)).toMatchObject({ level: 30, organization: acme.orgId });
    expect(opened.at(-1)).toMatchObject({ level: 30, organization: acme.orgId, link: created.at(-1).link });
    expect(text).toContain("secret=[redacted]");
  });
});
