// Every route of the OpenAPI document, probed with every kind of wrong credential: a route added
// without a row here fails this test, so no door opens unnoticed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { dispatchEvents } from "../webhooks/dispatcher.js";
import { settleEvents } from "../webhooks/webhook-test-support.js";

/**
 * Who may use a route: anyone, any key (nothing in it belongs to an organization), the admin key
 * only, or the admin and the owning organization's key.
 */
type Access = "open" | "any key" | "admin" | "organization";

interface RouteRow {
  readonly access: Access;
  /** A body the owner could send (so a refusal is about the caller, not the body); a function of the owner's ids when it names them. */
  readonly body?: unknown | ((owner: Owned) => unknown);
  readonly contentType?: string;
}

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

/** `METHOD path` as the OpenAPI document names it → what the route allows. */
const API_ROUTES: Record<string, RouteRow> = {
  "GET /health": { access: "open" },
  "GET /ready": { access: "open" },
  "POST /organizations": { access: "admin", body: { name: "Probe Org" } },
  "GET /organizations": { access: "organization" },
  "GET /organizations/{id}": { access: "organization" },
  "PATCH /organizations/{id}": { access: "organization", body: { name: "Renamed by a probe" } },
  "DELETE /organizations/{id}": { access: "admin" },
  "POST /organizations/{id}/api_keys": { access: "admin", body: { name: "probe" } },
  "GET /organizations/{id}/api_keys": { access: "admin" },
  "DELETE /organizations/{id}/api_keys/{keyId}": { access: "admin" },
  "POST /directories": { access: "organization", body: { name: "Probe", type: "okta scim v2.0" } },
  "GET /directories": { access: "organization" },
  "GET /directories/{id}": { access: "organization" },
  "PATCH /directories/{id}": { access: "organization", body: { name: "Renamed by a probe" } },
  "DELETE /directories/{id}": { access: "organization" },
  "POST /directories/{id}/restore": { access: "organization" },
  "POST /directories/{id}/scim_token": { access: "organization", body: {} },
  "GET /directory_users": { access: "organization" },
  "GET /directory_users/{id}": { access: "organization" },
  "GET /directory_groups": { access: "organization" },
  "GET /directory_groups/{id}": { access: "organization" },
  "GET /events": { access: "organization" },
  "GET /audit_log": { access: "organization" },
  "POST /webhook_endpoints": { access: "organization", body: { url: "https://probe.example/hooks" } },
  "GET /webhook_endpoints": { access: "organization" },
  "GET /webhook_endpoints/{id}": { access: "organization" },
  "PATCH /webhook_endpoints/{id}": { access: "organization", body: { enabled: false } },
  "DELETE /webhook_endpoints/{id}": { access: "organization" },
  "GET /webhook_endpoints/{id}/deliveries": { access: "organization" },
  "GET /webhook_endpoints/{id}/deliveries/{deliveryId}": { access: "organization" },
  "POST /webhook_endpoints/{id}/deliveries/{deliveryId}/retry": { access: "organization" },
  "POST /webhook_endpoints/{id}/deliveries/replay": { access: "organization", body: { status: "failed" } },
  "POST /directories/{id}/sync": { access: "organization", body: {} },
  "GET /directories/{id}/sync": { access: "organization" },
  "GET /directories/{id}/syncs": { access: "organization" },
  "GET /directories/{id}/syncs/{run}": { access: "organization" },
  "POST /directories/{id}/syncs/{run}/confirm": { access: "organization" },
  "POST /directories/{id}/syncs/{run}/discard": { access: "organization" },
  "POST /directories/{id}/sync/users/{username}": { access: "organization" },
  "POST /directories/{id}/csv": {
    access: "organization",
    body: "username,email\nprobe,probe@acme.test\n",
    contentType: "text/csv",
  },
  "GET /directories/{id}/scim_requests": { access: "organization" },
  "POST /directories/{id}/connector/test": { access: "organization" },
  "POST /directories/{id}/mapping_preview": {
    access: "organization",
    body: (owner: Owned) => ({ user: owner.userId, attribute_mapping: { given: "name.givenName" } }),
  },
  "GET /events/types": { access: "any key" },
  "POST /webhook_endpoints/{id}/test": { access: "organization" },
  "POST /portal/generate_link": {
    access: "organization",
    body: (owner: Owned) => ({ organization: owner.orgId, intent: "dsync" }),
  },
  "GET /portal/launch": { access: "open" },
};

/** Paths whose `{id}` is a pull directory rather than the SCIM one. */
const PULL_PATHS = /\/directories\/\{id\}\/(sync|syncs|csv|connector)/;

interface Owned {
  readonly orgId: string;
  readonly key: string;
  readonly keyId: string;
  readonly revokedKey: string;
  readonly scimDir: { id: string; token: string };
  readonly pullDirId: string;
  readonly runId: string;
  readonly userId: string;
  readonly groupId: string;
  readonly endpointId: string;
  readonly deliveryId: string;
}

describe.each(DIALECTS)("every route against wrong credentials on %s", (dialect) => {
  let t: TestApp;
  let acme: Owned;
  let globexKey: string;
  let globexScimToken: string;
  let openapi: { paths: Record<string, Record<string, unknown>> };

  async function call(method: string, url: string, key: string | null, row?: RouteRow) {
    const body = typeof row?.body === "function" ? row.body(acme) : row?.body;
    return t.app.inject({
      method: method as "GET",
      url,
      headers: {
        ...(key ? bearer(key) : {}),
        ...(body === undefined ? {} : { "content-type": row?.contentType ?? "application/json" }),
      },
      ...(body === undefined
        ? {}
        : {
            payload:
              typeof body === "string"
                ? body
                : JSON.stringify(body).replaceAll('"{orgId}"', JSON.stringify(acme?.orgId ?? "")),
          }),
    });
  }

  async function ok(method: string, url: string, body?: unknown, key = ADMIN_KEY) {
    const res = await call(method, url, key, body === undefined ? undefined : { access: "admin", body });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.body ? res.json() : null;
  }

  async function own(name: string): Promise<Owned> {
    const { orgId, key, keyId } = await createOrgWithKey(t.app, name);
    const revoked = await ok("POST", `/organizations/${orgId}/api_keys`, { name: "revoked" });
    await ok("DELETE", `/organizations/${orgId}/api_keys/${revoked.id}`);
    // Before any change, so the changes below are delivered to it.
    const endpoint = await ok("POST", "/webhook_endpoints", {
      url: `https://${name}.example/hooks`,
      organization_id: orgId,
    });
    const scimDir = await ok("POST", "/directories", {
      organization_id: orgId,
      name: `${name} Okta`,
      type: "okta scim v2.0",
    });
    const scim = (path: string, payload: unknown) =>
      t.app.inject({
        method: "POST",
        url: `/scim/v2/${scimDir.id}${path}`,
        headers: { ...bearer(scimDir.scim.token), "content-type": "application/scim+json" },
        payload: JSON.stringify(payload),
      });
    const user = (await scim("/Users", { schemas: [USER], userName: `ada@${name}.test` })).json();
    const group = (
      await scim("/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: "Staff",
        members: [{ value: user.id }],
      })
    ).json();
    const pull = await ok("POST", "/directories", { organization_id: orgId, name: `${name} HR`, type: "csv" });
    const upload = await call("POST", `/directories/${pull.id}/csv`, ADMIN_KEY, {
      access: "admin",
      body: "username,email\nada,ada@x.test\n",
      contentType: "text/csv",
    });
    // On PostgreSQL an event is fanned out once no older transaction of the cluster still runs.
    await settleEvents(t.storage);
    await dispatchEvents(t.deps);
    const deliveries = await ok("GET", `/webhook_endpoints/${endpoint.id}/deliveries`);
    return {
      orgId,
      key,
      keyId,
      revokedKey: revoked.key,
      scimDir: { id: scimDir.id, token: scimDir.scim.token },
      pullDirId: pull.id,
      runId: upload.json().id,
      userId: user.id,
      groupId: group.id,
      endpointId: endpoint.id,
      deliveryId: deliveries.data[0].id,
    };
  }

  /** The route's URL with the owner's objects in its path, and its list filters pointing at them. */
  function urlOf(path: string, o: Owned): string {
    const filled = path
      .replace(
        "{id}",
        path.startsWith("/organizations")
          ? o.orgId
          : path.startsWith("/webhook_endpoints")
            ? o.endpointId
            : path.startsWith("/directory_users")
              ? o.userId
              : path.startsWith("/directory_groups")
                ? o.groupId
                : PULL_PATHS.test(path)
                  ? o.pullDirId
                  : o.scimDir.id,
      )
      .replace("{keyId}", o.keyId)
      .replace("{deliveryId}", o.deliveryId)
      .replace("{run}", o.runId)
      .replace("{username}", "ada");
    const filters: Record<string, string> = {
      "/directory_users": `?directory=${o.scimDir.id}`,
      "/directory_groups": `?directory=${o.scimDir.id}`,
      "/directories": `?organization_id=${o.orgId}`,
      "/events": `?organization_id=${o.orgId}`,
      "/audit_log": `?organization_id=${o.orgId}`,
    };
    return filled + (filters[filled] ?? "");
  }

  /** The owner's objects as the admin reads them: a probe must leave them as they were. */
  async function snapshot(o: Owned) {
    return {
      org: await ok("GET", `/organizations/${o.orgId}`),
      keys: await ok("GET", `/organizations/${o.orgId}/api_keys`),
      dirs: await ok("GET", `/directories?organization_id=${o.orgId}`),
      endpoint: await ok("GET", `/webhook_endpoints/${o.endpointId}`),
      users: await ok("GET", `/directory_users?directory=${o.scimDir.id}`),
    };
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "route-auth-table-secret-0123456789abcdefghij" });
    acme = await own("acme");
    const globex = await own("globex");
    globexKey = globex.key;
    globexScimToken = globex.scimDir.token;
    openapi = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
  });
  afterAll(async () => t?.close());

  it("has a row for every route of the OpenAPI document", () => {
    const documented = Object.entries(openapi.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const api = documented.filter((route) => !route.includes(" /scim/v2/"));
    expect(
      api.filter((route) => !(route in API_ROUTES)),
      "routes without a row in API_ROUTES",
    ).toEqual([]);
  });

  it("refuses every non-open route without a key, with a revoked key and with a SCIM token, and changes nothing", async () => {
    const before = await snapshot(acme);
    for (const [route, row] of Object.entries(API_ROUTES)) {
      if (row.access === "open") continue;
      const [method, path] = route.split(" ") as [string, string];
      for (const [who, key] of [
        ["no key", null],
        ["a revoked key", acme.revokedKey],
        ["a SCIM token", acme.scimDir.token],
      ] as const) {
        const res = await call(method, urlOf(path, acme), key, row);
        expect(res.statusCode, `${route} with ${who}: ${res.body}`).toBe(401);
        expect(res.json().code, `${route} with ${who}`).toBeTypeOf("string");
      }
    }
    expect(await snapshot(acme)).toEqual(before);
  });

  it("gives another organization's key nothing of the owner's: a refusal on every route, no owner id in any answer", async () => {
    const before = await snapshot(acme);
    const ownerIds = [
      acme.orgId,
      acme.scimDir.id,
      acme.pullDirId,
      acme.userId,
      acme.groupId,
      acme.endpointId,
      acme.deliveryId,
      acme.keyId,
    ];
    for (const [route, row] of Object.entries(API_ROUTES)) {
      if (row.access === "open") continue;
      const [method, path] = route.split(" ") as [string, string];
      const url = urlOf(path, acme);
      const res = await call(method, url, globexKey, row);
      // A collection the caller may create in or list is answered for the caller's own organization.
      const ownCollection =
        row.access === "any key" ||
        [
          "POST /directories",
          "GET /directories",
          "POST /webhook_endpoints",
          "GET /webhook_endpoints",
          "GET /organizations",
        ].includes(route);
      if (!ownCollection)
        expect([403, 404], `${route} with another organization's key: ${res.statusCode} ${res.body}`).toContain(
          res.statusCode,
        );
      // An id the caller sent may be named back ("… not found"); any other would be a leak.
      const sent = url + JSON.stringify(typeof row.body === "function" ? row.body(acme) : (row.body ?? ""));
      for (const id of ownerIds.filter((id) => !sent.includes(id)))
        expect(res.body.includes(id), `${route} answered the owner's ${id} to another organization`).toBe(false);
    }
    expect(await snapshot(acme)).toEqual(before);
  });

  it("lets the owner's key read every organization route, and refuses it the admin's", async () => {
    for (const [route, row] of Object.entries(API_ROUTES)) {
      const [method, path] = route.split(" ") as [string, string];
      if (row.access === "open" || (method !== "GET" && row.access !== "admin")) continue;
      const res = await call(method, urlOf(path, acme), acme.key, row);
      if (row.access === "admin")
        expect([403, 404], `${route} with an organization key: ${res.body}`).toContain(res.statusCode);
      else expect(res.statusCode, `${route} with the owner's key: ${res.body}`).toBe(200);
    }
  });

  it("keeps each SCIM endpoint to its own directory's token", async () => {
    const scimRoutes = Object.entries(openapi.paths).flatMap(([path, item]) =>
      path.startsWith("/scim/v2/") ? Object.keys(item).map((method) => [method.toUpperCase(), path] as const) : [],
    );
    expect(scimRoutes.length).toBeGreaterThan(10);
    for (const [method, path] of scimRoutes) {
      const url = path
        .replace("{directoryId}", acme.scimDir.id)
        .replace("{id}", path.includes("/Groups") ? acme.groupId : path.includes("/Users") ? acme.userId : "User");
      for (const [who, key] of [
        ["no token", null],
        ["another directory's token", globexScimToken],
        ["the admin key", ADMIN_KEY],
        ["the organization's API key", acme.key],
      ] as const) {
        const res = await call(
          method,
          url,
          key,
          method === "GET" || method === "DELETE"
            ? undefined
            : {
                access: "organization",
                body: { schemas: [USER], userName: "probe@acme.test" },
                contentType: "application/scim+json",
              },
        );
        expect(res.statusCode, `${method} ${path} with ${who}: ${res.body}`).toBe(401);
      }
    }
    const users = await ok("GET", `/directory_users?directory=${acme.scimDir.id}`);
    expect(users.data.map((user: { id: string }) => user.id)).toEqual([acme.userId]);
  });
});
