import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../../storage/connect.js";
import { migrateToLatest } from "../../storage/migrate.js";
import { compileFilter } from "./compile-filter.js";
import { parseFilter } from "./parse-filter.js";

// Random filters over a handful of attributes, run in SQL, must select exactly the users an
// in-memory evaluator of RFC 7644 §3.4.2.2 (with our case and absence rules) selects.

const T0 = "2020-01-01T00:00:00.000Z";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const TEXTS = ["", "a", "A", "ab", "aB", "Ab", "b", "ba", "B", "a%", "a_b", "x\\y", "_", "%"] as const;
const TIMES = [
  Date.parse("1999-12-31T23:59:59.999Z"),
  Date.parse(T0),
  Date.parse(T0) + 1,
  Date.parse("2021-06-15T12:30:00.500Z"),
];

interface Email {
  value: string;
  type: string | null;
  primary: boolean;
}
interface User {
  id: string;
  userName: string;
  externalId: string | null;
  title: string | null;
  displayName: string | null;
  displayNameKey: string;
  department: string | null;
  active: boolean;
  created: number;
  emails: Email[];
}

type Value = string | boolean | null;
/** A dateTime filter value: an instant, a sub-millisecond digit and the zone it is written in. */
interface When {
  ms: number;
  sub: number;
  offset: number;
}
type Op = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
interface Spec {
  path: string;
  type: "text" | "boolean" | "date";
  caseExact: boolean;
}
type Node =
  | { kind: "cmp"; spec: Spec; op: Op; value: Value | When; upper: boolean }
  | { kind: "pr"; spec: Spec; upper: boolean }
  | { kind: "and" | "or"; items: Node[] }
  | { kind: "not"; item: Node }
  | { kind: "emails[]"; item: Node; then: Node | null };

const TOP: Spec[] = [
  { path: "userName", type: "text", caseExact: false },
  { path: "externalId", type: "text", caseExact: true },
  { path: "title", type: "text", caseExact: false },
  { path: "displayName", type: "text", caseExact: false },
  { path: `${ENTERPRISE}:department`, type: "text", caseExact: false },
  { path: "active", type: "boolean", caseExact: true },
  { path: "meta.created", type: "date", caseExact: true },
  { path: "emails.value", type: "text", caseExact: false },
  { path: "emails.type", type: "text", caseExact: false },
  { path: "emails.primary", type: "boolean", caseExact: true },
];
const SUBS: Spec[] = [
  { path: "value", type: "text", caseExact: false },
  { path: "type", type: "text", caseExact: false },
  { path: "primary", type: "boolean", caseExact: true },
];

const textArb = fc.constantFrom(...TEXTS);
const whenArb = fc.record({
  ms: fc.constantFrom(...TIMES),
  sub: fc.constantFrom(0, 0, 4),
  offset: fc.constantFrom(0, 60, -420),
});

function leafArb(specs: Spec[]): fc.Arbitrary<Node> {
  return fc.oneof(
    fc.record({ kind: fc.constant("pr" as const), spec: fc.constantFrom(...specs), upper: fc.boolean() }),
    fc.constantFrom(...specs).chain((spec) => {
      const ops: Op[] =
        spec.type === "boolean"
          ? ["eq", "ne"]
          : spec.type === "date"
            ? ["eq", "ne", "gt", "ge", "lt", "le"]
            : ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];
      const value: fc.Arbitrary<Value | When> =
        spec.type === "boolean"
          ? fc.boolean()
          : spec.type === "date"
            ? whenArb
            : fc.oneof(textArb, textArb, fc.constant(null));
      return fc
        .record({
          kind: fc.constant("cmp" as const),
          spec: fc.constant(spec),
          op: fc.constantFrom(...ops),
          value,
          upper: fc.boolean(),
        })
        .filter((n) => n.value !== null || n.op === "eq" || n.op === "ne");
    }),
  );
}

function nodeArb(depth: number, specs: Spec[], valuePaths: boolean): fc.Arbitrary<Node> {
  if (depth === 0) return leafArb(specs);
  const inner = nodeArb(depth - 1, specs, valuePaths);
  const options: fc.Arbitrary<Node>[] = [
    leafArb(specs),
    fc.record({
      kind: fc.constantFrom("and" as const, "or" as const),
      items: fc.array(inner, { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant("not" as const), item: inner }),
  ];
  // `then` is Entra's `emails[type eq "work"].value eq "x"`: one email meeting both.
  if (valuePaths)
    options.push(
      fc.record({
        kind: fc.constant("emails[]" as const),
        item: nodeArb(1, SUBS, false),
        // biome-ignore lint/suspicious/noThenProperty: a plain record of test data, never awaited
        then: fc.option(leafArb(SUBS), { nil: null }),
      }),
    );
  return fc.oneof(...options);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function printWhen({ ms, sub, offset }: When): string {
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
  const zone =
    offset === 0
      ? "Z"
      : `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${local}${sub === 0 ? "" : `000${sub}`}${zone}`;
}

function print(node: Node): string {
  switch (node.kind) {
    case "and":
    case "or":
      return node.items.map((n) => `(${print(n)})`).join(` ${node.kind} `);
    case "not":
      return `not (${print(node.item)})`;
    case "emails[]":
      return `emails[${print(node.item)}]${node.then ? `.${print(node.then)}` : ""}`;
    case "pr":
      return `${node.upper ? node.spec.path.toUpperCase() : node.spec.path} pr`;
    case "cmp": {
      const v = node.value;
      const text = v !== null && typeof v === "object" ? JSON.stringify(printWhen(v)) : JSON.stringify(v);
      return `${node.upper ? node.spec.path.toUpperCase() : node.spec.path} ${node.op} ${text}`;
    }
  }
}

/** What one attribute holds for one user (or one email), absent as null. */
function valuesOf(path: string, user: User, email: Email | undefined): (string | boolean | number | null)[] {
  if (email) return [path === "value" ? email.value : path === "type" ? email.type : email.primary];
  if (path.startsWith("emails.")) return user.emails.map((e) => valuesOf(path.slice(7), user, e)[0] ?? null);
  const single: Record<string, string | boolean | number | null> = {
    userName: user.userName,
    externalId: user.externalId,
    title: user.title,
    displayName: user.displayName,
    active: user.active,
    "meta.created": user.created,
    [`${ENTERPRISE}:department`]: user.department,
  };
  return [single[path] ?? null];
}

function compareOne(spec: Spec, op: Op, x: string | boolean | number | null, v: Value | When): boolean {
  if (v === null) return op === "eq" ? !present(x) : present(x);
  if (typeof v === "object") {
    if (typeof x !== "number") return op === "ne";
    const order = x !== v.ms ? Math.sign(x - v.ms) : v.sub > 0 ? -1 : 0;
    return {
      eq: order === 0,
      ne: order !== 0,
      gt: order > 0,
      ge: order >= 0,
      lt: order < 0,
      le: order <= 0,
      co: false,
      sw: false,
      ew: false,
    }[op];
  }
  if (typeof v === "boolean") return op === "eq" ? x === v : x !== v;
  if (typeof x !== "string") return op === "ne";
  const fold = (s: string) => (spec.caseExact ? s : s.toLowerCase());
  const [a, b] = [fold(x), fold(v)];
  return {
    eq: a === b,
    ne: a !== b,
    co: a.includes(b),
    sw: a.startsWith(b),
    ew: a.endsWith(b),
    gt: a > b,
    ge: a >= b,
    lt: a < b,
    le: a <= b,
  }[op];
}

function present(x: string | boolean | number | null): boolean {
  return x !== null && x !== "";
}

function evaluate(node: Node, user: User, email?: Email): boolean {
  switch (node.kind) {
    case "and":
      return node.items.every((n) => evaluate(n, user, email));
    case "or":
      return node.items.some((n) => evaluate(n, user, email));
    case "not":
      return !evaluate(node.item, user, email);
    case "emails[]":
      return user.emails.some(
        (e) => evaluate(node.item, user, e) && (node.then === null || evaluate(node.then, user, e)),
      );
    case "pr":
      return valuesOf(node.spec.path, user, email).some(present);
    case "cmp":
      // A multi-valued attribute matches when some value does (RFC 7644 §3.4.2.2).
      return valuesOf(node.spec.path, user, email).some((x) => compareOne(node.spec, node.op, x, node.value));
  }
}

const emailArb = fc.record({
  value: textArb.filter((t) => t !== ""),
  type: fc.oneof(textArb, fc.constant(null)),
  primary: fc.boolean(),
});
const usersArb = fc.array(
  fc.record({
    userName: textArb,
    externalId: fc.oneof(textArb, fc.constant(null)),
    title: fc.oneof(textArb, fc.constant(null)),
    displayName: fc.oneof(textArb, fc.constant(null)),
    displayNameKey: fc.constantFrom("displayName", "DisplayName", "displayname"),
    department: fc.oneof(textArb, fc.constant(null)),
    active: fc.boolean(),
    created: fc.constantFrom(...TIMES),
    emails: fc.array(emailArb, { maxLength: 3 }),
  }),
  { maxLength: 6 },
);

async function replaceUsers(storage: Storage, generated: Omit<User, "id">[]): Promise<User[]> {
  // userName is unique per directory regardless of case: suffix the index to keep it so.
  const users = generated.map((u, i) => ({ ...u, id: `u${i}`, userName: `${u.userName}-${i}` }));
  await storage.db.deleteFrom("user_emails").execute();
  await storage.db.deleteFrom("directory_users").execute();
  if (users.length === 0) return users;
  await storage.db
    .insertInto("directory_users")
    .values(
      users.map((u) => ({
        id: u.id,
        directory_id: "dir_1",
        organization_id: "org_1",
        idp_id: u.externalId,
        emails: "[]",
        username: u.userName,
        username_lower: u.userName.toLowerCase(),
        email: null,
        first_name: null,
        last_name: null,
        job_title: u.title,
        state: u.active ? "active" : "inactive",
        role: null,
        roles: "[]",
        custom_attributes: "{}",
        raw_attributes: JSON.stringify({
          userName: u.userName,
          [u.displayNameKey]: u.displayName ?? undefined,
          [ENTERPRISE]: { department: u.department ?? undefined },
        }),
        version: 1,
        created_at: new Date(u.created).toISOString(),
        updated_at: T0,
      })),
    )
    .execute();
  const emails = users.flatMap((u) =>
    u.emails.map((e, position) => ({
      user_id: u.id,
      directory_id: "dir_1",
      position,
      value: e.value,
      value_lower: e.value.toLowerCase(),
      type: e.type,
      primary: e.primary ? 1 : 0,
    })),
  );
  if (emails.length > 0) await storage.db.insertInto("user_emails").values(emails).execute();
  return users;
}

describe.each(DIALECTS)("SCIM filters in SQL agree with an in-memory evaluator on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    await migrateToLatest(storage);
    await storage.db
      .insertInto("organizations")
      .values({ id: "org_1", name: "Org", name_lower: "org", domains: "[]", created_at: T0, updated_at: T0 })
      .execute();
    await storage.db
      .insertInto("directories")
      .values({
        id: "dir_1",
        organization_id: "org_1",
        name: "D",
        name_lower: "d",
        type: "generic scim v2.0",
        state: "linked",
        domain: null,
        deactivated_members: "hide",
        settings: "{}",
        created_at: T0,
        updated_at: T0,
        deleted_at: null,
      })
      .execute();
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it("selects exactly the users the reference evaluator selects", async () => {
    await fc.assert(
      fc.asyncProperty(
        usersArb,
        fc.array(nodeArb(2, TOP, true), { minLength: 6, maxLength: 6 }),
        async (generated, filters) => {
          const users = await replaceUsers(storage, generated);
          for (const filter of filters) {
            const text = print(filter);
            const where = compileFilter(parseFilter(text), "User", storage.caps);
            const rows = await storage.db.selectFrom("directory_users as u").select("u.id").where(where).execute();
            const expected = users.filter((u) => evaluate(filter, u)).map((u) => u.id);
            expect({ text, ids: rows.map((r) => r.id).sort() }).toEqual({ text, ids: expected.sort() });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
