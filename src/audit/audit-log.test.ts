import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { houseKeep } from "../server/housekeeping.js";

const admin = { ...bearer(ADMIN_KEY), "x-request-id": "audit-trail-1" };

interface Entry {
  id: string;
  action: string;
  actor: { kind: string; id: string | null };
  target_id: string | null;
  organization_id: string | null;
  request_id: string | null;
  source_ip: string | null;
}

for (const dialect of DIALECTS) {
  describe(`the admin audit log (${dialect})`, () => {
    let t: TestApp;
    let acme: { orgId: string; key: string; keyId: string };
    let globex: { orgId: string; key: string; keyId: string };
    const secrets: string[] = [];

    async function entries(headers: Record<string, string>, query = ""): Promise<Entry[]> {
      const res = await t.app.inject({ method: "GET", url: `/audit_log?limit=100&order=asc${query}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().data as Entry[];
    }

    beforeAll(async () => {
      t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "audit-log-test-key-0123456789abcdef" });
      acme = await createOrgWithKey(t.app, "Acme");
      globex = await createOrgWithKey(t.app, "Globex");
      secrets.push(acme.key, globex.key);
      const orgKey = bearer(acme.key);
      const hook = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: orgKey,
        payload: { url: "https://hooks.example.com/acme" },
      });
      secrets.push(hook.json().secret);
      const dir = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: orgKey,
        payload: { name: "Okta", type: "okta scim v2.0" },
      });
      secrets.push(dir.json().scim.token);
      const rotated = await t.app.inject({
        method: "POST",
        url: `/directories/${dir.json().id}/scim_token`,
        headers: orgKey,
        payload: {},
      });
      secrets.push(rotated.json().token);
      await t.app.inject({ method: "DELETE", url: `/directories/${dir.json().id}`, headers: orgKey });
      const link = await t.app.inject({
        method: "POST",
        url: "/portal/generate_link",
        headers: admin,
        payload: { organization: acme.orgId, intent: "dsync" },
      });
      expect(link.statusCode, link.body).toBe(201);
      const launch = new URL(link.json().link as string);
      secrets.push(launch.searchParams.get("secret") ?? "");
      await t.app.inject({ method: "GET", url: `${launch.pathname}${launch.search}` });
      await t.app.inject({
        method: "DELETE",
        url: `/organizations/${globex.orgId}/api_keys/${globex.keyId}`,
        headers: admin,
      });
    });

    afterAll(async () => t.close());

    it("records who did what to which object, from which request and address", async () => {
      const all = await entries(admin);
      expect(all.map((e) => e.action)).toEqual([
        "organization.created",
        "api_key.created",
        "organization.created",
        "api_key.created",
        "webhook_endpoint.created",
        "directory.created",
        "directory.scim_token.rotated",
        "directory.deleted",
        "portal.link.created",
        "portal.link.opened",
        "api_key.revoked",
      ]);
      expect(all[0]).toMatchObject({
        actor: { kind: "admin", id: null },
        target_id: acme.orgId,
        organization_id: acme.orgId,
        source_ip: "127.0.0.1",
      });
      const rotation = all.find((e) => e.action === "directory.scim_token.rotated");
      expect(rotation).toMatchObject({ actor: { kind: "api_key", id: acme.keyId }, organization_id: acme.orgId });
      expect(rotation?.target_id).toMatch(/^directory_/);
      const opened = all.find((e) => e.action === "portal.link.opened");
      expect(opened?.actor.kind).toBe("portal_session");
      expect(opened?.actor.id).toMatch(/^wsess_/);
      expect(all.find((e) => e.action === "api_key.revoked")).toMatchObject({
        target_id: globex.keyId,
        organization_id: globex.orgId,
        request_id: "audit-trail-1",
      });
    });

    it("never holds a secret", async () => {
      const rows = JSON.stringify(await t.storage.db.selectFrom("audit_log").selectAll().execute());
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(10);
        expect(rows).not.toContain(secret);
      }
    });

    it("shows an organization key its own organization's entries only, and filters by organization and action", async () => {
      const own = await entries(bearer(acme.key));
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((e) => e.organization_id === acme.orgId)).toBe(true);
      const other = await t.app.inject({
        method: "GET",
        url: `/audit_log?organization_id=${globex.orgId}`,
        headers: bearer(acme.key),
      });
      expect(other.statusCode).toBe(404);
      const globexOnly = await entries(admin, `&organization_id=${globex.orgId}`);
      expect(globexOnly.map((e) => e.action)).toEqual(["organization.created", "api_key.created", "api_key.revoked"]);
      const created = await entries(admin, "&action=organization.created,directory.deleted");
      expect(created.map((e) => e.action)).toEqual([
        "organization.created",
        "organization.created",
        "directory.deleted",
      ]);
    });

    it("pages by cursor like every list", async () => {
      const all = await entries(admin);
      const first = (await t.app.inject({ method: "GET", url: "/audit_log?limit=4&order=asc", headers: admin })).json();
      expect(first.data.map((e: Entry) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
      const next = (
        await t.app.inject({
          method: "GET",
          url: `/audit_log?limit=4&order=asc&after=${first.list_metadata.after}`,
          headers: admin,
        })
      ).json();
      expect(next.data.map((e: Entry) => e.id)).toEqual(all.slice(4, 8).map((e) => e.id));
    });

    it("writes nothing for a change that did not happen", async () => {
      const before = (await entries(admin)).length;
      // Refused: the organization still has a directory (deleted, within its restore window).
      const refused = await t.app.inject({ method: "DELETE", url: `/organizations/${acme.orgId}`, headers: admin });
      expect(refused.statusCode).toBe(409);
      const forbidden = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: bearer(acme.key),
        payload: { url: "https://x.example.com/", private_network: true },
      });
      expect(forbidden.statusCode).toBe(403);
      expect((await entries(admin)).length).toBe(before);
    });

    it("is pruned after ROSTER_AUDIT_DAYS by housekeeping", async () => {
      t.clock.advance(366 * 86_400_000);
      await t.app.inject({
        method: "PATCH",
        url: `/organizations/${globex.orgId}`,
        headers: admin,
        payload: { name: "Globex Corp" },
      });
      const result = await houseKeep(t.deps);
      expect(result.auditPruned).toBeGreaterThan(0);
      expect((await entries(admin)).map((e) => e.action)).toEqual(["organization.updated"]);
    });
  });
}
