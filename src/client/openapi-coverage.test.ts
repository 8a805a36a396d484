// The SDK reaches every route of the OpenAPI document: each SDK method is called against a live server
// through a fetch that notes what went out, and a documented route no call reached fails the test.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createRosterClient, type RosterClient } from "./index.js";

/** Documented routes the SDK leaves to others, and why. */
const NOT_FOR_THE_SDK: Readonly<Record<string, string>> = {
  "GET /portal/launch": "the setup link a browser opens; it answers HTML and sets the portal's cookie",
};

const ULID = "01JCOVERAGE0000000000000000".slice(0, 26);
const id = (prefix: string) => `${prefix}_${ULID}`;
const ORG = id("org");
const DIR = id("directory");
const USER = id("directory_user");
const GROUP = id("directory_group");
const ENDPOINT = id("we");
const DELIVERY = id("whdel");
const RUN = id("sync");
const KEY = id("key");

/** One call of every SDK method that sends a request (iterators and tail are built on `list`). */
const CALLS: readonly ((c: RosterClient) => Promise<unknown>)[] = [
  (c) => c.system.health(),
  (c) => c.system.ready(),
  (c) => c.auditLog.list(),
  (c) => c.organizations.create({ name: "Coverage" }),
  (c) => c.organizations.list(),
  (c) => c.organizations.get(ORG),
  (c) => c.organizations.update(ORG, { name: "Renamed" }),
  (c) => c.organizations.delete(ORG),
  (c) => c.apiKeys.create(ORG, { name: "k" }),
  (c) => c.apiKeys.list(ORG),
  (c) => c.apiKeys.revoke(ORG, KEY),
  (c) => c.directories.create({ organization_id: ORG, name: "D", type: "okta scim v2.0" }),
  (c) => c.directories.list({ organization_id: ORG }),
  (c) => c.directories.get(DIR),
  (c) => c.directories.update(DIR, { name: "D2" }),
  (c) => c.directories.delete(DIR),
  (c) => c.directories.restore(DIR),
  (c) => c.directories.rotateScimToken(DIR),
  (c) => c.directories.scimRequests(DIR),
  (c) => c.directories.testConnector(DIR),
  (c) => c.directories.previewMapping(DIR, { user: USER, attribute_mapping: { given: "name.givenName" } }),
  (c) => c.directoryUsers.list({ directory: DIR }),
  (c) => c.directoryUsers.get(USER),
  (c) => c.directoryGroups.list({ directory: DIR }),
  (c) => c.directoryGroups.get(GROUP),
  (c) => c.directorySyncs.start(DIR),
  (c) => c.directorySyncs.current(DIR),
  (c) => c.directorySyncs.get(DIR, RUN),
  (c) => c.directorySyncs.list(DIR),
  (c) => c.directorySyncs.confirm(DIR, RUN),
  (c) => c.directorySyncs.discard(DIR, RUN),
  (c) => c.directorySyncs.syncUser(DIR, "ada"),
  (c) => c.directorySyncs.uploadCsv(DIR, "username,email\nada,ada@example.com\n"),
  (c) => c.events.list(),
  (c) => c.events.types(),
  (c) => c.webhookEndpoints.create({ url: "https://hooks.example/x" }),
  (c) => c.webhookEndpoints.list(),
  (c) => c.webhookEndpoints.get(ENDPOINT),
  (c) => c.webhookEndpoints.update(ENDPOINT, { enabled: false }),
  (c) => c.webhookEndpoints.delete(ENDPOINT),
  (c) => c.webhookEndpoints.deliveries(ENDPOINT),
  (c) => c.webhookEndpoints.getDelivery(ENDPOINT, DELIVERY),
  (c) => c.webhookEndpoints.retryDelivery(ENDPOINT, DELIVERY),
  (c) => c.webhookEndpoints.replayDeliveries(ENDPOINT, { status: "failed" }),
  (c) => c.webhookEndpoints.test(ENDPOINT),
  (c) => c.portal.generateLink({ organization: ORG, intent: "dsync" }),
];

/** `METHOD /template` of the documented route a request went to: literal segments win over parameters. */
function routeOf(method: string, path: string, documented: readonly string[]): string | undefined {
  const candidates = documented.filter((route) => {
    const [m, template] = route.split(" ") as [string, string];
    return m === method && new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path);
  });
  return candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

describe.each(DIALECTS)("the SDK against the OpenAPI document on %s", (dialect) => {
  let t: TestApp;
  let baseUrl: string;
  let documented: string[];

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "openapi-coverage-secret-key-0123456789" });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    documented = Object.entries(doc.paths)
      .filter(([path]) => !path.startsWith("/scim/v2/")) // SCIM is the identity providers' door, not the SDK's
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  });
  afterAll(async () => t?.close());

  it("reads the server's health and readiness", async () => {
    const client = createRosterClient({ baseUrl, apiKey: ADMIN_KEY });
    expect(await client.system.health()).toEqual({ status: "ok" });
    expect(await client.system.ready()).toMatchObject({
      status: "ready",
      database: expect.stringMatching(/^(sqlite|postgres)/),
    });
  });

  it("reaches every documented route with some method", async () => {
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    const client = createRosterClient({ baseUrl, apiKey: ADMIN_KEY, fetch: recording });
    for (const call of CALLS) await call(client).catch(() => undefined);
    expect(sent).toHaveLength(CALLS.length);

    const reached = new Set<string>();
    for (const request of sent) {
      const [method, path] = request.split(" ") as [string, string];
      const route = routeOf(method, path, documented);
      expect(route, `${request} matches no documented route`).toBeDefined();
      if (route) reached.add(route);
    }
    const unreached = documented.filter((route) => !reached.has(route) && !(route in NOT_FOR_THE_SDK));
    expect(unreached, "documented routes no SDK method reaches").toEqual([]);
    expect(documented.length).toBeGreaterThan(30);
  });
});
