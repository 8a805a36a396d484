import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../../storage/connect.js";
import { migrateToLatest } from "../../storage/migrate.js";
import { compileFilter, type FilterResource } from "./compile-filter.js";
import { parseFilter } from "./parse-filter.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const T0 = "2020-01-01T00:00:00.000Z";

interface UserFixture {
  id: string;
  userName: string;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  active: boolean;
  created: string;
  emails: { value: string; type: string | null; primary: boolean }[];
  raw: Record<string, unknown>;
}

const USERS: UserFixture[] = [
  {
    id: "u_ada",
    userName: "Ada.Lovelace@Example.com",
    externalId: "ext-Ada",
    givenName: "Ada",
    familyName: "Lovelace",
    title: "Countess",
    active: true,
    created: "2020-01-01T00:00:00.000Z",
    emails: [
      { value: "Ada@Example.com", type: "work", primary: true },
      { value: "ada@home.org", type: "home", primary: false },
    ],
    raw: {
      displayName: "Ada L",
      name: { formatted: "Ada Lovelace" },
      phoneNumbers: [{ value: "+1 555 0100", type: "work" }],
      [ENTERPRISE]: { department: "Analytics", employeeNumber: "701984", manager: { value: "u_babbage" } },
    },
  },
  {
    id: "u_grace",
    userName: "grace",
    externalId: "EXT-grace",
    givenName: "Grace",
    familyName: "Hopper",
    title: "Rear Admiral",
    active: false,
    created: "2021-03-04T05:06:07.890Z",
    emails: [{ value: "grace@navy.mil", type: "Work", primary: false }],
    // Keys as an IdP may send them: attribute names are case-insensitive (RFC 7643 §2.1).
    raw: {
      DisplayName: "Amazing Grace",
      nickName: "100%",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": { Department: "Navy_Ops" },
    },
  },
  {
    id: "u_linus",
    userName: "linus",
    externalId: null,
    givenName: null,
    familyName: null,
    title: "",
    active: true,
    created: "2022-01-01T00:00:00.000Z",
    emails: [],
    raw: { nickName: "a\\b", phoneNumbers: "not-an-array" },
  },
  {
    id: "u_alan",
    userName: "alan_turing",
    externalId: "42",
    givenName: null,
    familyName: null,
    title: null,
    active: true,
    created: "2023-07-01T00:00:00.000Z",
    emails: [{ value: "alan@bletchley.uk", type: null, primary: true }],
    raw: {
      PhoneNumbers: [{ value: "07700 900", type: "Mobile", primary: "True" }],
      addresses: [{ locality: "London", country: "GB" }],
    },
  },
];

const GROUPS = [
  { id: "g_eng", name: "Engineering", externalId: "G-1", members: ["u_ada", "u_grace"] },
  { id: "g_ops", name: "Ops", externalId: null, members: ["u_linus"] },
  { id: "g_empty", name: "Empty Team", externalId: "G-3", members: [] },
];

async function seed(storage: Storage): Promise<void> {
  const { db } = storage;
  const stamp = { created_at: T0, updated_at: T0 };
  await db
    .insertInto("organizations")
    .values({ id: "org_1", name: "Org", name_lower: "org", domains: "[]", ...stamp })
    .execute();
  await db
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
      deleted_at: null,
      ...stamp,
    })
    .execute();
  for (const u of USERS) {
    await db
      .insertInto("directory_users")
      .values({
        id: u.id,
        directory_id: "dir_1",
        organization_id: "org_1",
        idp_id: u.externalId,
        emails: "[]",
        username: u.userName,
        username_lower: u.userName.toLowerCase(),
        email: u.emails[0]?.value ?? null,
        first_name: u.givenName,
        last_name: u.familyName,
        job_title: u.title,
        state: u.active ? "active" : "inactive",
        role: null,
        roles: "[]",
        custom_attributes: "{}",
        raw_attributes: JSON.stringify({ userName: u.userName, ...u.raw }),
        version: 1,
        created_at: u.created,
        updated_at: u.created.replace(/\.\d{3}Z$/, ".500Z"),
      })
      .execute();
    for (const [position, e] of u.emails.entries()) {
      await db
        .insertInto("user_emails")
        .values({
          user_id: u.id,
          directory_id: "dir_1",
          position,
          value: e.value,
          value_lower: e.value.toLowerCase(),
          type: e.type,
          primary: e.primary ? 1 : 0,
        })
        .execute();
    }
  }
  for (const g of GROUPS) {
    await db
      .insertInto("directory_groups")
      .values({
        id: g.id,
        directory_id: "dir_1",
        organization_id: "org_1",
        idp_id: g.externalId,
        name: g.name,
        name_lower: g.name.toLowerCase(),
        raw_attributes: "{}",
        version: 1,
        ...stamp,
      })
      .execute();
    for (const user_id of g.members)
      await db
        .insertInto("group_memberships")
        .values({ group_id: g.id, user_id, directory_id: "dir_1", created_at: T0 })
        .execute();
  }
}

const USER_CASES: [string, string[]][] = [
  ['userName eq "ada.lovelace@example.com"', ["u_ada"]],
  ['USERNAME Eq "GRACE"', ["u_grace"]],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "grace"', ["u_grace"]],
  ['userName ne "grace"', ["u_ada", "u_alan", "u_linus"]],
  ['userName co "LOVE"', ["u_ada"]],
  ['userName sw "a"', ["u_ada", "u_alan"]],
  ['userName ew "ING"', ["u_alan"]],
  ['userName co "_"', ["u_alan"]],
  ['userName co "%"', []],
  ['userName gt "b"', ["u_grace", "u_linus"]],
  ['userName ge "grace"', ["u_grace", "u_linus"]],
  ['userName lt "alan_turing"', ["u_ada"]],
  ['userName le "ALAN_TURING"', ["u_ada", "u_alan"]],
  ['id eq "u_ada"', ["u_ada"]],
  ['id eq "U_ADA"', []],
  ['externalId eq "ext-ada"', []],
  ['externalId eq "ext-Ada"', ["u_ada"]],
  ['externalId sw "EXT"', ["u_grace"]],
  ['externalId co "ext"', ["u_ada"]],
  ['externalId ew "Ada"', ["u_ada"]],
  ['externalId ne "ext-Ada"', ["u_alan", "u_grace", "u_linus"]],
  ["externalId pr", ["u_ada", "u_alan", "u_grace"]],
  ["externalId eq null", ["u_linus"]],
  ["externalId ne null", ["u_ada", "u_alan", "u_grace"]],
  ['name.givenName eq "ada"', ["u_ada"]],
  ['name.FamilyName sw "hop"', ["u_grace"]],
  ['name.formatted co "LOVELACE"', ["u_ada"]],
  ["name pr", ["u_ada", "u_grace"]],
  ['displayName eq "amazing grace"', ["u_grace"]],
  ["displayName pr", ["u_ada", "u_grace"]],
  ["title pr", ["u_ada", "u_grace"]],
  ['title eq "countess"', ["u_ada"]],
  ["not (title pr)", ["u_alan", "u_linus"]],
  ['not (title gt "a")', ["u_alan", "u_linus"]],
  ['nickName eq "100%"', ["u_grace"]],
  ['nickName co "0%"', ["u_grace"]],
  ['nickName co "\\\\"', ["u_linus"]],
  ["active eq true", ["u_ada", "u_alan", "u_linus"]],
  ["active eq false", ["u_grace"]],
  ["active ne true", ["u_grace"]],
  ['active eq "False"', ["u_grace"]],
  ["active pr", ["u_ada", "u_alan", "u_grace", "u_linus"]],
  ['emails eq "ada@home.org"', ["u_ada"]],
  ['emails.value co "@EXAMPLE"', ["u_ada"]],
  ['emails.type eq "work"', ["u_ada", "u_grace"]],
  ['emails.type ne "work"', ["u_ada", "u_alan"]],
  ['emails[type eq "work" and value co "home"]', []],
  ['emails[type eq "home" and value co "home"]', ["u_ada"]],
  ['emails[not (type eq "work") or primary eq true]', ["u_ada", "u_alan"]],
  ["emails[primary eq true]", ["u_ada", "u_alan"]],
  ['emails[type eq "work"].value eq "ada@example.com"', ["u_ada"]],
  ['emails[type eq "work"].value co "home"', []],
  ['emails[type eq "work" or type eq "home"].value co "home"', ["u_ada"]],
  ['phoneNumbers[type eq "mobile"].value pr', ["u_alan"]],
  ["emails.primary eq true", ["u_ada", "u_alan"]],
  ["emails pr", ["u_ada", "u_alan", "u_grace"]],
  ["not (emails pr)", ["u_linus"]],
  ["emails.type pr", ["u_ada", "u_grace"]],
  ['phoneNumbers.value co "555"', ["u_ada"]],
  ['phoneNumbers[type eq "mobile" and primary eq true]', ["u_alan"]],
  ["phoneNumbers pr", ["u_ada", "u_alan"]],
  ['addresses[locality eq "london"]', ["u_alan"]],
  ['addresses.country eq "gb"', ["u_alan"]],
  [`${ENTERPRISE}:department eq "analytics"`, ["u_ada"]],
  [`${ENTERPRISE.toLowerCase()}:DEPARTMENT sw "navy_"`, ["u_grace"]],
  [`${ENTERPRISE}:department co "_"`, ["u_grace"]],
  [`${ENTERPRISE}:manager.value eq "U_BABBAGE"`, ["u_ada"]],
  [`${ENTERPRISE}:employeeNumber eq "701984"`, ["u_ada"]],
  [`${ENTERPRISE} pr`, ["u_ada", "u_grace"]],
  ['meta.created gt "2021-01-01T00:00:00Z"', ["u_alan", "u_grace", "u_linus"]],
  ['meta.created eq "2021-03-04T06:06:07.890+01:00"', ["u_grace"]],
  ['meta.created ge "2021-03-04T05:06:07.8901Z"', ["u_alan", "u_linus"]],
  ['meta.created le "2021-03-04T05:06:07.8901Z"', ["u_ada", "u_grace"]],
  ['meta.created lt "2021-03-04T05:06:07.890Z"', ["u_ada"]],
  ['meta.created eq "2021-03-04T05:06:07.8901Z"', []],
  ['meta.lastModified ge "2022-01-01T00:00:00.500Z"', ["u_alan", "u_linus"]],
  ['groups.value eq "g_eng"', ["u_ada", "u_grace"]],
  ['groups[display eq "ENGINEERING"]', ["u_ada", "u_grace"]],
  ['groups.display sw "op"', ["u_linus"]],
  ["groups pr", ["u_ada", "u_grace", "u_linus"]],
  ['userName eq "linus" or userName eq "grace" and active eq true', ["u_linus"]],
  ['(userName eq "linus" or userName eq "grace") and active eq false', ["u_grace"]],
  ['not userName eq "linus" and active eq true', ["u_ada", "u_alan"]],
  ['not (externalId eq "ext-Ada")', ["u_alan", "u_grace", "u_linus"]],
  ['userName eq "a" OR (title pr AND NOT (active eq false))', ["u_ada"]],
];

const ENTRA_CASES: [string, string[]][] = [
  ["externalId eq ext-Ada", ["u_ada"]],
  ["userName sw A", ["u_ada", "u_alan"]],
  ["meta.Created gt 2015-10-10T14:38:21.8617979-07:00", ["u_ada", "u_alan", "u_grace", "u_linus"]],
  ["meta.Created lt 2020-01-01T00:00:00.0000001Z", ["u_ada"]],
  ["emails.Value eq ada@home.org", ["u_ada"]],
  ["name.FamilyName eq lovelace", ["u_ada"]],
  ["ACTIVE eq True", ["u_ada", "u_alan", "u_linus"]],
];

const GROUP_CASES: [string, string[]][] = [
  ['displayName eq "engineering"', ["g_eng"]],
  ['displayName co "TEAM"', ["g_empty"]],
  ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "ops"', ["g_ops"]],
  ['externalId eq "G-1"', ["g_eng"]],
  ['members.value eq "u_ada"', ["g_eng"]],
  ['members eq "u_linus"', ["g_ops"]],
  ['members[value eq "u_grace"]', ["g_eng"]],
  ['members.value eq "U_ADA"', []],
  ["members pr", ["g_eng", "g_ops"]],
  ["not (members pr)", ["g_empty"]],
  ['meta.lastModified eq "2020-01-01T00:00:00Z"', ["g_empty", "g_eng", "g_ops"]],
];

describe.each(DIALECTS)("SCIM filters compiled to SQL on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    await migrateToLatest(storage);
    await seed(storage);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  async function ids(resource: FilterResource, text: string): Promise<string[]> {
    const where = compileFilter(parseFilter(text), resource, storage.caps);
    const rows =
      resource === "User"
        ? await storage.db.selectFrom("directory_users as u").select("u.id").where(where).execute()
        : await storage.db.selectFrom("directory_groups as g").select("g.id").where(where).execute();
    return rows.map((r) => r.id).sort();
  }

  it.each(USER_CASES)("finds the users matching %s", async (text, expected) => {
    expect(await ids("User", text)).toEqual(expected);
  });

  it.each(ENTRA_CASES)("accepts Entra's form %s", async (text, expected) => {
    expect(await ids("User", text)).toEqual(expected);
  });

  it.each(GROUP_CASES)("finds the groups matching %s", async (text, expected) => {
    expect(await ids("Group", text)).toEqual(expected);
  });

  it("binds every value instead of writing it into the SQL", () => {
    const hostile = `x'; drop table directory_users; --`;
    const where = compileFilter(
      parseFilter(`userName eq ${JSON.stringify(hostile)} or displayName co ${JSON.stringify(hostile)}`),
      "User",
      storage.caps,
    );
    const compiled = storage.db.selectFrom("directory_users as u").select("u.id").where(where).compile();
    expect(compiled.sql).not.toContain("drop table");
    expect(compiled.parameters).toContain(hostile);
  });

  it("runs a 1,500-term or-chain without hitting SQLite's expression depth limit", async () => {
    const filters = Array.from({ length: 1500 }, (_, i) => ({
      op: "eq" as const,
      attrPath: "id",
      compValue: i === 700 ? "u_ada" : `u_${i}`,
    }));
    const where = compileFilter({ op: "or", filters }, "User", storage.caps);
    expect(
      (await storage.db.selectFrom("directory_users as u").select("u.id").where(where).execute()).map((r) => r.id),
    ).toEqual(["u_ada"]);
  });
});
