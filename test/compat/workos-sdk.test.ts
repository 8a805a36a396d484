/**
 * Issue 4, item 4: the official @workos-inc/node SDK, unchanged, against a live Roster on loopback.
 * Roster is started with `startServer` (real HTTP, real delivery worker); the SDK is pointed at it
 * with `apiHostname`/`port`/`https: false`. Where the SDK and SPEC disagree, the SDK wins
 * (docs/api.md, "WorkOS SDK compatibility").
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Directory,
  type DirectoryGroup,
  type Event,
  type EventName,
  GeneratePortalLinkIntent,
  NotFoundException,
  SignatureVerificationException,
  UnauthorizedException,
  WorkOS,
} from "@workos-inc/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from "../support/databases.js";

const ADMIN_KEY = "roster_admin_sdkcompat_0123456789abcdefghijklmnopqrstuv";
const SECRET_KEY = randomBytes(32).toString("base64");
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/** More than one SDK auto-pagination page (it always asks for 100). */
const BULK_USERS = 230;

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Receiver {
  readonly url: string;
  readonly deliveries: Delivery[];
  close(): Promise<void>;
}

/** A local webhook receiver: records every POST and answers 200. */
async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/workos-hook`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a value, for at most `timeoutMs`. */
async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Json = Record<string, unknown>;

/** Plain HTTP against Roster, for what the SDK has no method for (creating things, SCIM). */
async function call(
  url: string,
  method: string,
  token: string,
  body?: unknown,
  contentType = "application/json",
): Promise<{ status: number; json: Json }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": contentType }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
}

async function expectStatus(
  what: string,
  status: number,
  answer: Promise<{ status: number; json: Json }>,
): Promise<Json> {
  const res = await answer;
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json;
}

function sdkClient(key: string, server: RunningServer): WorkOS {
  const { hostname, port } = new URL(server.url);
  return new WorkOS(key, { apiHostname: hostname, port: Number(port), https: false });
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
const descendingIds = (ids: readonly string[]) => [...ids].sort().reverse();

describe.each(DIALECTS)("the official @workos-inc/node SDK against a live Roster (%s)", (dialect: Dialect) => {
  let database: TestDatabase;
  let server: RunningServer;
  let receiver: Receiver;
  let workos: WorkOS;
  let adminWorkos: WorkOS;

  let orgId: string;
  let otherOrgId: string;
  let orgKey: string;
  let webhookSecret: string;
  let directoryId: string;
  let doomedId: string;
  let doomedUserId: string;
  let bulkDirectoryId: string;
  const users: Record<"ada" | "grace" | "linus" | "ken", string> = { ada: "", grace: "", linus: "", ken: "" };
  const groups: Record<"engineering" | "admins", string> = { engineering: "", admins: "" };

  const api = (method: string, path: string, key: string, body?: unknown) =>
    call(`${server.url}${path}`, method, key, body);

  async function createDirectory(
    key: string,
    body: Json,
  ): Promise<{ id: string; scimBase: string; scimToken: string }> {
    const dir = await expectStatus("create directory", 201, api("POST", "/directories", key, body));
    const scim = dir.scim as { base_url: string; token: string };
    return { id: dir.id as string, scimBase: scim.base_url, scimToken: scim.token };
  }

  async function scimPost(dir: { scimBase: string; scimToken: string }, path: string, body: Json): Promise<Json> {
    return expectStatus(
      `SCIM POST ${path}`,
      path === "/Bulk" ? 200 : 201,
      call(`${dir.scimBase}${path}`, "POST", dir.scimToken, body, "application/scim+json"),
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const databaseUrl = database.config.kind === "sqlite" ? `sqlite:${database.config.file}` : database.config.url;
    server = await startServer(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: databaseUrl,
        ROSTER_ADMIN_KEY: ADMIN_KEY,
        ROSTER_SECRET_KEY: SECRET_KEY,
        LOG_LEVEL: "silent",
        ROSTER_OUTBOUND_PRIVATE: "all",
      }),
    );
    receiver = await startReceiver();

    // What the SDK cannot do: organizations, their keys, directories, webhook endpoints (Roster's own API).
    orgId = (
      await expectStatus(
        "create org",
        201,
        api("POST", "/organizations", ADMIN_KEY, { name: "Acme", domains: ["acme.test"] }),
      )
    ).id as string;
    otherOrgId = (await expectStatus("create org", 201, api("POST", "/organizations", ADMIN_KEY, { name: "Globex" })))
      .id as string;
    orgKey = (
      await expectStatus("create key", 201, api("POST", `/organizations/${orgId}/api_keys`, ADMIN_KEY, { name: "sdk" }))
    ).key as string;
    // Created before any change, so it receives every event of the organization written after it.
    const endpoint = await expectStatus(
      "create endpoint",
      201,
      api("POST", "/webhook_endpoints", orgKey, {
        endpoint_url: receiver.url,
        events: ["dsync.user.created", "dsync.group.user_added"],
      }),
    );
    webhookSecret = endpoint.secret as string;

    const main = await createDirectory(orgKey, { name: "Acme Okta", type: "okta scim v2.0", domain: "acme.test" });
    directoryId = main.id;
    const doomed = await createDirectory(orgKey, { name: "Acme Legacy", type: "generic scim v2.0" });
    doomedId = doomed.id;
    const bulk = await createDirectory(ADMIN_KEY, {
      organization_id: otherOrgId,
      name: "Globex Entra",
      type: "azure scim v2.0",
    });
    bulkDirectoryId = bulk.id;

    // What an IdP pushes: four users (one deactivated) and two groups.
    const people = [
      { key: "ada", given: "Ada", family: "Lovelace", title: "Engineer", active: true },
      { key: "grace", given: "Grace", family: "Hopper", title: "Admiral", active: true },
      { key: "linus", given: "Linus", family: "Torvalds", title: "Maintainer", active: true },
      { key: "ken", given: "Ken", family: "Thompson", title: "Retired", active: false },
    ] as const;
    for (const p of people) {
      const email = `${p.key}@acme.test`;
      const user = await scimPost(main, "/Users", {
        schemas: [USER_SCHEMA],
        userName: email,
        externalId: `okta-${p.key}`,
        name: { givenName: p.given, familyName: p.family },
        title: p.title,
        emails: [{ value: email, type: "work", primary: true }],
        active: p.active,
      });
      users[p.key] = user.id as string;
    }
    const old = await scimPost(doomed, "/Users", {
      schemas: [USER_SCHEMA],
      userName: "old@acme.test",
      emails: [{ value: "old@acme.test", primary: true }],
    });
    doomedUserId = old.id as string;
    const members = (...keys: (keyof typeof users)[]) => keys.map((k) => ({ value: users[k] }));
    groups.engineering = (
      await scimPost(main, "/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: "Engineering",
        externalId: "okta-eng",
        members: members("ada", "grace", "linus"),
      })
    ).id as string;
    groups.admins = (
      await scimPost(main, "/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: "Admins",
        externalId: "okta-admins",
        members: members("ada"),
      })
    ).id as string;

    // Another organization's directory with more users than one SDK page holds.
    const Operations = Array.from({ length: BULK_USERS }, (_, i) => ({
      method: "POST",
      path: "/Users",
      bulkId: `u${i}`,
      data: {
        schemas: [USER_SCHEMA],
        userName: `user${String(i).padStart(3, "0")}@globex.test`,
        emails: [{ value: `user${i}@globex.test`, primary: true }],
      },
    }));
    const bulkAnswer = await scimPost(bulk, "/Bulk", { schemas: [BULK_SCHEMA], Operations });
    const statuses = (bulkAnswer.Operations as { status: string }[]).map((op) => op.status);
    expect(statuses.filter((s) => s !== "201")).toEqual([]);

    workos = sdkClient(orgKey, server);
    adminWorkos = sdkClient(ADMIN_KEY, server);

    // On PostgreSQL an event is served once no older transaction of the cluster still runs (SPEC §5),
    // and other suites write concurrently: wait (bounded) until everything written above is served.
    const unsettled = server.storage.caps.eventsSettled;
    if (unsettled) {
      await waitFor("the events to settle", async () => {
        const waiting = await server.storage.db
          .selectFrom("events")
          .select("seq")
          .where((eb) => eb.not(unsettled))
          .limit(1)
          .executeTakeFirst();
        return waiting ? undefined : true;
      });
    }
  });

  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await database?.drop();
  });

  describe("directorySync", () => {
    it("listDirectories: the organization key lists its directories, deserialized, linked as active", async () => {
      const list = await workos.directorySync.listDirectories();
      expect(list.data.map((d) => d.id)).toEqual(descendingIds([directoryId, doomedId]));
      const okta = list.data.find((d) => d.id === directoryId);
      expect(okta).toEqual<Directory>({
        object: "directory",
        id: directoryId,
        domain: "acme.test",
        externalKey: directoryId,
        name: "Acme Okta",
        organizationId: orgId,
        state: "active",
        type: "okta scim v2.0",
        createdAt: expect.any(String) as string,
        updatedAt: expect.any(String) as string,
      });
      expect(list.listMetadata).toEqual({ before: null, after: null });

      const searched = await workos.directorySync.listDirectories({ search: "okta" });
      expect(searched.data.map((d) => d.id)).toEqual([directoryId]);
    });

    it("listDirectories: the admin key filters by organization and pages with limit/after", async () => {
      const other = await adminWorkos.directorySync.listDirectories({ organizationId: otherOrgId });
      expect(other.data.map((d) => [d.id, d.name, d.organizationId, d.state])).toEqual([
        [bulkDirectoryId, "Globex Entra", otherOrgId, "active"],
      ]);

      const first = await adminWorkos.directorySync.listDirectories({ limit: 2 });
      expect(first.data).toHaveLength(2);
      expect(first.listMetadata.after).toBe(first.data[1]?.id);
      const second = await adminWorkos.directorySync.listDirectories({
        limit: 2,
        after: first.listMetadata.after ?? undefined,
      });
      expect([...first.data, ...second.data].map((d) => d.id)).toEqual(
        descendingIds([directoryId, doomedId, bulkDirectoryId]),
      );
      expect(second.listMetadata.after).toBeNull();
    });

    it("getDirectory", async () => {
      const directory = await workos.directorySync.getDirectory(directoryId);
      expect(directory).toMatchObject({
        object: "directory",
        id: directoryId,
        name: "Acme Okta",
        organizationId: orgId,
        state: "active",
        type: "okta scim v2.0",
        domain: "acme.test",
        externalKey: directoryId,
      });
      await expect(workos.directorySync.getDirectory(bulkDirectoryId)).rejects.toBeInstanceOf(NotFoundException);
    });

    it("listUsers by directory: every user with its groups, newest first", async () => {
      const list = await workos.directorySync.listUsers({ directory: directoryId });
      expect(list.data.map((u) => u.id)).toEqual(descendingIds(Object.values(users)));
      const ada = list.data.find((u) => u.id === users.ada);
      expect(ada).toEqual({
        object: "directory_user",
        id: users.ada,
        directoryId,
        organizationId: orgId,
        idpId: "okta-ada",
        email: "ada@acme.test",
        firstName: "Ada",
        lastName: "Lovelace",
        state: "active",
        role: null,
        roles: [],
        customAttributes: {},
        rawAttributes: expect.objectContaining({ userName: "ada@acme.test", title: "Engineer" }) as Record<
          string,
          unknown
        >,
        createdAt: expect.any(String) as string,
        updatedAt: expect.any(String) as string,
        groups: expect.any(Array) as DirectoryGroup[],
      });
      expect(ada?.groups.map((g) => g.name).sort()).toEqual(["Admins", "Engineering"]);
      expect(ada?.groups.find((g) => g.name === "Engineering")).toMatchObject({
        id: groups.engineering,
        idpId: "okta-eng",
        directoryId,
        organizationId: orgId,
      });
      const ken = list.data.find((u) => u.id === users.ken);
      expect(ken).toMatchObject({ state: "inactive", email: "ken@acme.test", groups: [] });
    });

    it("listUsers by group, and page by page with a small limit", async () => {
      const engineers = await workos.directorySync.listUsers({ group: groups.engineering });
      expect(engineers.data.map((u) => u.firstName).sort()).toEqual(["Ada", "Grace", "Linus"]);

      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await workos.directorySync.listUsers({
          directory: directoryId,
          limit: 2,
          ...(after ? { after } : {}),
        });
        seen.push(...page.data.map((u) => u.id));
        after = page.listMetadata.after ?? undefined;
        pages += 1;
      } while (after && pages < 10);
      expect(pages).toBe(2);
      expect(seen).toEqual(descendingIds(Object.values(users)));
    });

    it("autoPagination follows list_metadata.after across several pages", async () => {
      const list = await adminWorkos.directorySync.listUsers({ directory: bulkDirectoryId });
      expect(list.data).toHaveLength(10);
      const all = await list.autoPagination();
      expect(all).toHaveLength(BULK_USERS);
      const ids = all.map((u) => u.id);
      expect(new Set(ids).size).toBe(BULK_USERS);
      expect(ids).toEqual(descendingIds(ids));
      expect(all.every((u) => u.organizationId === otherOrgId && Array.isArray(u.groups))).toBe(true);

      // The SDK's own rule: with a limit, autoPagination() returns that first page only.
      const limited = await adminWorkos.directorySync.listUsers({ directory: bulkDirectoryId, limit: 3 });
      expect(await limited.autoPagination()).toHaveLength(3);
    });

    it("getUser", async () => {
      const grace = await workos.directorySync.getUser(users.grace);
      expect(grace).toMatchObject({
        object: "directory_user",
        id: users.grace,
        directoryId,
        organizationId: orgId,
        email: "grace@acme.test",
        firstName: "Grace",
        lastName: "Hopper",
        idpId: "okta-grace",
        state: "active",
      });
      expect(grace.groups.map((g) => [g.id, g.name])).toEqual([[groups.engineering, "Engineering"]]);
      const unknown = "directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV";
      await expect(workos.directorySync.getUser(unknown)).rejects.toMatchObject({
        name: "NotFoundException",
        status: 404,
        code: "not_found",
      });
    });

    it("listGroups by directory and by user", async () => {
      const all = await workos.directorySync.listGroups({ directory: directoryId });
      expect(all.data.map((g) => g.id)).toEqual(descendingIds(Object.values(groups)));
      expect([...all.data].sort(byName)).toEqual<DirectoryGroup[]>([
        {
          id: groups.admins,
          idpId: "okta-admins",
          directoryId,
          organizationId: orgId,
          name: "Admins",
          createdAt: expect.any(String) as string,
          updatedAt: expect.any(String) as string,
          rawAttributes: expect.objectContaining({ displayName: "Admins" }) as Record<string, unknown>,
        },
        expect.objectContaining({ id: groups.engineering, name: "Engineering", idpId: "okta-eng" }) as DirectoryGroup,
      ]);

      const adas = await workos.directorySync.listGroups({ user: users.ada });
      expect(adas.data.map((g) => g.name).sort()).toEqual(["Admins", "Engineering"]);
      const linus = await workos.directorySync.listGroups({ user: users.linus });
      expect(linus.data.map((g) => g.name)).toEqual(["Engineering"]);
      const ken = await workos.directorySync.listGroups({ user: users.ken });
      expect(ken.data).toEqual([]);
    });

    it("getGroup", async () => {
      const group = await workos.directorySync.getGroup(groups.engineering);
      expect(group).toMatchObject({
        id: groups.engineering,
        idpId: "okta-eng",
        directoryId,
        organizationId: orgId,
        name: "Engineering",
      });
      expect(group.rawAttributes).toMatchObject({ displayName: "Engineering", externalId: "okta-eng" });
    });

    it("deleteDirectory: the SDK sees it deleting, then gone from lists and its users unreachable", async () => {
      await expect(workos.directorySync.deleteDirectory(doomedId)).resolves.toBeUndefined();
      const doomed = await workos.directorySync.getDirectory(doomedId);
      expect(doomed).toMatchObject({ id: doomedId, state: "deleting" });
      const list = await workos.directorySync.listDirectories();
      expect(list.data.map((d) => d.id)).toEqual([directoryId]);
      // Its users are neither listed nor served while it is deleted.
      expect((await workos.directorySync.listUsers({ directory: doomedId })).data).toEqual([]);
      await expect(workos.directorySync.getUser(doomedUserId)).rejects.toBeInstanceOf(NotFoundException);
      // A second delete is a conflict, not a success.
      await expect(workos.directorySync.deleteDirectory(doomedId)).rejects.toMatchObject({ status: 409 });
    });

    it("a wrong key is the SDK's UnauthorizedException", async () => {
      const stranger = sdkClient("sk_not_a_key_0123456789", server);
      await expect(stranger.directorySync.listDirectories()).rejects.toBeInstanceOf(UnauthorizedException);
    });
  });

  describe("events.listEvents", () => {
    const types = ["dsync.user.created", "dsync.group.user_added"] as const;

    async function readAll(
      client: WorkOS,
      options: { organizationId?: string; after?: string; limit?: number },
    ): Promise<Event[]> {
      const events: Event[] = [];
      let after = options.after;
      for (let pages = 0; pages < 50; pages++) {
        const page = await client.events.listEvents({ events: [...types], ...options, ...(after ? { after } : {}) });
        events.push(...page.data);
        after = page.listMetadata.after ?? undefined;
        if (!after) return events;
      }
      throw new Error("listEvents never reached the end");
    }

    it("filters by type and organization, oldest first, paging with after", async () => {
      const events = await readAll(workos, { organizationId: orgId, limit: 3 });
      expect(events.map((e) => e.event)).toEqual([
        ...Array(5).fill("dsync.user.created"),
        ...Array(4).fill("dsync.group.user_added"),
      ]);
      const created = events.filter((e) => e.event === "dsync.user.created");
      expect(created.map((e) => (e.event === "dsync.user.created" ? e.data.email : null))).toEqual([
        "ada@acme.test",
        "grace@acme.test",
        "linus@acme.test",
        "ken@acme.test",
        "old@acme.test",
      ]);
      const first = events[0];
      expect(first).toMatchObject({
        event: "dsync.user.created",
        data: { object: "directory_user", id: users.ada, directoryId, organizationId: orgId, firstName: "Ada" },
      });
      const added = events.find((e) => e.event === "dsync.group.user_added");
      expect(added?.event === "dsync.group.user_added" ? added.data : null).toMatchObject({
        directoryId,
        user: { id: users.ada },
        group: { id: groups.engineering },
      });

      const second = events[1]?.id ?? "";
      const rest = await readAll(workos, { organizationId: orgId, after: second, limit: 100 });
      expect(rest.map((e) => e.id)).toEqual(events.slice(2).map((e) => e.id));
    });

    it("the admin key reads any organization's events; an organization key is kept to its own", async () => {
      const globex = await readAll(adminWorkos, { organizationId: otherOrgId, limit: 100 });
      expect(globex).toHaveLength(BULK_USERS);
      expect(globex.every((e) => e.event === "dsync.user.created" && e.data.organizationId === otherOrgId)).toBe(true);
      await expect(workos.events.listEvents({ events: [...types], organizationId: otherOrgId })).rejects.toBeInstanceOf(
        NotFoundException,
      );
    });

    it("accepts the SDK's order option: asc is the feed's order, desc reverses it", async () => {
      const asc = await workos.events.listEvents({
        events: [...types],
        organizationId: orgId,
        order: "asc",
        limit: 100,
      });
      const plain = await workos.events.listEvents({ events: [...types], organizationId: orgId, limit: 100 });
      expect(asc.data.map((e) => e.id)).toEqual(plain.data.map((e) => e.id));

      const desc = await workos.events.listEvents({
        events: [...types],
        organizationId: orgId,
        order: "desc",
        limit: 3,
      });
      expect(desc.data.map((e) => e.id)).toEqual(
        plain.data
          .map((e) => e.id)
          .reverse()
          .slice(0, 3),
      );
      const older = await workos.events.listEvents({
        events: [...types],
        organizationId: orgId,
        order: "desc",
        limit: 100,
        after: desc.listMetadata.after ?? "",
      });
      expect(older.data.map((e) => e.id)).toEqual(
        plain.data
          .map((e) => e.id)
          .reverse()
          .slice(3),
      );
      expect(older.listMetadata.after).toBeNull();
    });
  });

  it("Roster's own event types (not WorkOS's) reach the SDK as undefined entries", async () => {
    // dsync.token.created is not an EventName of the SDK, and its deserializer has no case for it.
    const rosterOnly = ["dsync.token.created"] as unknown as EventName[];
    const page = await workos.events.listEvents({ events: rosterOnly, organizationId: orgId, limit: 100 });
    expect(page.data).toEqual([undefined, undefined]);
  });

  it("ids: a malformed one is a BadRequestException, an unknown one a NotFoundException", async () => {
    await expect(workos.directorySync.getGroup("nope")).rejects.toMatchObject({
      name: "BadRequestException",
      status: 400,
      code: "invalid_request",
      errors: [expect.objectContaining({ field: "id", code: "pattern" })],
    });
    await expect(workos.directorySync.getGroup("directory_group_01ARZ3NDEKTSV4RRFFQ69G5FAV")).rejects.toMatchObject({
      name: "NotFoundException",
      status: 404,
      code: "not_found",
    });
    // The admin key must name a directory or group, which the SDK's options leave optional.
    await expect(adminWorkos.directorySync.listUsers({})).rejects.toMatchObject({
      name: "BadRequestException",
      status: 400,
      errors: [expect.objectContaining({ field: "directory", code: "required" })],
    });
  });

  describe("webhooks.constructEvent", () => {
    it("verifies a webhook Roster really sent, and refuses a tampered one", async () => {
      const delivery = await waitFor("a dsync.user.created delivery", () =>
        receiver.deliveries.find((d) => (JSON.parse(d.body) as { event?: string }).event === "dsync.user.created"),
      );
      const sigHeader = delivery.headers["workos-signature"];
      expect(typeof sigHeader).toBe("string");
      const payload = JSON.parse(delivery.body) as Json;

      const event = await workos.webhooks.constructEvent({
        payload,
        sigHeader: sigHeader as string,
        secret: webhookSecret,
      });
      expect(event).toMatchObject({
        id: delivery.headers["webhook-id"],
        event: "dsync.user.created",
        data: { id: users.ada, email: "ada@acme.test", directoryId, organizationId: orgId },
      });
      // The same id the events API serves: a consumer can switch from webhooks to polling.
      const next = await workos.events.listEvents({
        events: ["dsync.user.created"],
        organizationId: orgId,
        after: event.id,
      });
      expect(next.data.map((e) => e.event === "dsync.user.created" && e.data.email)).toEqual([
        "grace@acme.test",
        "linus@acme.test",
        "ken@acme.test",
        "old@acme.test",
      ]);

      const tampered = { ...payload, data: { ...(payload.data as Json), email: "mallory@evil.test" } };
      await expect(
        workos.webhooks.constructEvent({ payload: tampered, sigHeader: sigHeader as string, secret: webhookSecret }),
      ).rejects.toBeInstanceOf(SignatureVerificationException);
      await expect(
        workos.webhooks.constructEvent({ payload, sigHeader: sigHeader as string, secret: `${webhookSecret}x` }),
      ).rejects.toBeInstanceOf(SignatureVerificationException);
    });

    it("every delivery so far verifies", async () => {
      const deliveries = await waitFor("the organization's nine deliveries", () =>
        receiver.deliveries.length >= 9 ? receiver.deliveries : undefined,
      );
      expect(deliveries).toHaveLength(9);
      for (const d of deliveries) {
        const event = await workos.webhooks.constructEvent({
          payload: JSON.parse(d.body) as Json,
          sigHeader: String(d.headers["workos-signature"]),
          secret: webhookSecret,
        });
        expect(["dsync.user.created", "dsync.group.user_added"]).toContain(event.event);
      }
    });
  });
  describe("portal.generateLink", () => {
    it("the organization's key gets a setup link for directory sync that opens a portal session once", async () => {
      const { link } = await workos.portal.generateLink({
        organization: orgId,
        intent: GeneratePortalLinkIntent.DSync,
        returnUrl: "https://app.example/settings",
      });
      expect(link).toMatch(new RegExp(`^${server.url}/portal/launch\\?secret=portal_[A-Za-z0-9_-]{43}$`));
      const opened = await fetch(link);
      expect(opened.status).toBe(200);
      expect(opened.headers.get("set-cookie")).toMatch(/^roster_portal=session_/);
      expect((await fetch(link)).status).toBe(410);
    });

    it("the admin key may make one for any organization; another organization's key is NotFoundException", async () => {
      const { link } = await adminWorkos.portal.generateLink({
        organization: otherOrgId,
        intent: GeneratePortalLinkIntent.DSync,
      });
      expect(typeof link).toBe("string");
      await expect(
        workos.portal.generateLink({ organization: otherOrgId, intent: GeneratePortalLinkIntent.DSync }),
      ).rejects.toBeInstanceOf(NotFoundException);
    });
  });
});
