// Crash safety: an acknowledged SCIM write and its event survive `kill -9`, nothing is half-written,
// and every change has exactly one event, on both backends, at several kill points.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_ADMIN_KEY, processEnv, type ServerProcess, startServerProcess } from "../support/server-process.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/databases.js";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const WRITERS = 8;
const ROUNDS = 3;

interface Acknowledged {
  /** userName → id, for every create that answered 201. */
  readonly users: Map<string, string>;
  /** user id → the title a 200 PATCH set. */
  readonly titles: Map<string, string>;
  /** user ids a 2xx member PATCH added to the group. */
  readonly members: Set<string>;
}

interface Listed {
  readonly id: string;
  readonly [key: string]: unknown;
}

async function api(server: ServerProcess, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${PROCESS_ADMIN_KEY}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** Every item of a normalized-API list, oldest first, following `list_metadata.after`. */
async function listAll(server: ServerProcess, path: string, from: string | null = null): Promise<Listed[]> {
  const all: Listed[] = [];
  let after = from;
  do {
    const page = await api(
      server,
      "GET",
      `${path}${path.includes("?") ? "&" : "?"}limit=100&order=asc${after ? `&after=${after}` : ""}`,
    );
    all.push(...page.data);
    after = page.list_metadata.after;
  } while (after);
  return all;
}

/** A SCIM request to the directory; resolves to the status, or null when the connection failed (the outcome is unknown). */
async function scim(
  server: ServerProcess,
  base: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; json: any } | null> {
  try {
    const res = await fetch(`${server.url}${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  } catch {
    return null;
  }
}

/** One writer: creates users, adds each to the group, renames some; records only what was acknowledged. */
async function writeUntilStopped(
  server: ServerProcess,
  target: { base: string; token: string; groupId: string },
  name: string,
  acked: Acknowledged,
  stopped: () => boolean,
): Promise<void> {
  for (let i = 0; !stopped(); i++) {
    const userName = `${name}-${i}@crash.test`;
    const created = await scim(server, target.base, target.token, "POST", "/Users", {
      schemas: [USER_SCHEMA],
      userName,
      name: { givenName: name, familyName: String(i) },
      emails: [{ value: userName, type: "work", primary: true }],
    });
    if (!created) return;
    if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.json)}`);
    const id = created.json.id as string;
    acked.users.set(userName, id);
    const added = await scim(server, target.base, target.token, "PATCH", `/Groups/${target.groupId}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: "add", path: "members", value: [{ value: id }] }],
    });
    if (!added) return;
    if (added.status !== 200 && added.status !== 204)
      throw new Error(`member add answered ${added.status}: ${JSON.stringify(added.json)}`);
    acked.members.add(id);
    if (i % 2 === 0) {
      const title = `Title ${name} ${i}`;
      const patched = await scim(server, target.base, target.token, "PATCH", `/Users/${id}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: "replace", path: "title", value: title }],
      });
      if (!patched) return;
      if (patched.status !== 200 && patched.status !== 204)
        throw new Error(`user PATCH answered ${patched.status}: ${JSON.stringify(patched.json)}`);
      acked.titles.set(id, title);
    }
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** What the restarted server holds agrees with every acknowledgement, and every change has exactly one event. */
async function expectConsistent(
  server: ServerProcess,
  directoryId: string,
  groupId: string,
  acked: Acknowledged,
): Promise<void> {
  const users = await listAll(server, `/directory_users?directory=${directoryId}`);
  const byId = new Map(users.map((user) => [user.id, user as any]));
  for (const [userName, id] of acked.users) {
    const user = byId.get(id);
    expect(user, `acknowledged user ${userName}`).toBeDefined();
    expect(user.username).toBe(userName);
  }
  // Nothing half-written: every stored user (acknowledged or not) has its address and name.
  for (const user of byId.values()) {
    expect(user.emails.map((email: { value: string }) => email.value)).toEqual([user.username]);
    expect(user.email).toBe(user.username);
    expect(user.first_name).toBeTruthy();
  }
  for (const [id, title] of acked.titles) expect(byId.get(id).job_title, `title of ${id}`).toBe(title);

  const members = new Set((await listAll(server, `/directory_users?group=${groupId}`)).map((user) => user.id));
  for (const id of acked.members) expect(members.has(id), `acknowledged member ${id}`).toBe(true);

  const events = await listAll(server, "/events?events=dsync.user.created,dsync.user.updated,dsync.group.user_added");
  const ids = events.map((event) => event.id);
  expect(new Set(ids).size, "no event is served twice").toBe(ids.length);
  // The feed's order is stable, and a reader resuming from any cursor gets exactly the rest.
  const middle = ids[Math.floor(ids.length / 2)] as string;
  const rest = await listAll(
    server,
    `/events?events=dsync.user.created,dsync.user.updated,dsync.group.user_added`,
    middle,
  );
  expect(rest.map((event) => event.id)).toEqual(ids.slice(ids.indexOf(middle) + 1));
  const ofType = (type: string) => events.filter((event) => event.event === type);
  const created = countBy(ofType("dsync.user.created"), (event: any) => event.data.id);
  const updated = countBy(ofType("dsync.user.updated"), (event: any) => event.data.id);
  const added = countBy(ofType("dsync.group.user_added"), (event: any) => event.data.user.id);
  for (const user of byId.values()) {
    expect(created.get(user.id) ?? 0, `user.created events of ${user.username}`).toBe(1);
    expect(updated.get(user.id) ?? 0, `user.updated events of ${user.username}`).toBe(user.job_title ? 1 : 0);
    expect(added.get(user.id) ?? 0, `user_added events of ${user.username}`).toBe(members.has(user.id) ? 1 : 0);
  }
  expect(
    [...created.keys()].every((id) => byId.has(id)),
    "no event for a user that was not stored",
  ).toBe(true);
  expect(
    [...added.keys()].every((id) => members.has(id)),
    "no user_added event for a membership that was not stored",
  ).toBe(true);
}

for (const dialect of DIALECTS) {
  describe(`kill -9 during SCIM writes (${dialect})`, () => {
    let database: TestDatabase;
    let server: ServerProcess | undefined;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });

    afterAll(async () => {
      await server?.stop("SIGKILL");
      await database.drop();
    });

    it("keeps every acknowledged create, member add and PATCH, with exactly one event each, at several kill points", async () => {
      server = await startServerProcess(processEnv(database.config));
      const org = await api(server, "POST", "/organizations", { name: "Crash Co" });
      const directory = await api(server, "POST", "/directories", {
        organization_id: org.id,
        name: "IdP",
        type: "okta scim v2.0",
      });
      const target = { base: `/scim/v2/${directory.id}`, token: directory.scim.token as string, groupId: "" };
      const group = await scim(server, target.base, target.token, "POST", "/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: "Everyone",
      });
      target.groupId = group?.json.id;
      const acked: Acknowledged = { users: new Map(), titles: new Map(), members: new Set() };

      for (let round = 1; round <= ROUNDS; round++) {
        // A different kill point each round: early in the load, mid-way, later.
        const killAfterMs = 150 + Math.floor(Math.random() * 350) + (round - 1) * 400;
        let stopped = false;
        const running = server;
        const writers = Array.from({ length: WRITERS }, (_, w) =>
          writeUntilStopped(running, target, `r${round}w${w}`, acked, () => stopped),
        );
        await new Promise((resolve) => setTimeout(resolve, killAfterMs));
        await running.stop("SIGKILL");
        stopped = true;
        await Promise.all(writers);

        server = await startServerProcess(processEnv(database.config));
        await expectConsistent(server, directory.id, target.groupId, acked);
      }
      expect(acked.users.size, "the load acknowledged writes before the kills").toBeGreaterThan(ROUNDS * WRITERS);
    }, 120_000);
  });
}
