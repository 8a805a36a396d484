import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  createKeyedDirectory,
  type KeyedDirectory,
  pushGroup,
  pushUser,
} from "../../test/support/directory-fixtures.js";
import { SCHEMA } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

const ENTERPRISE = SCHEMA.enterprise;

describe.each(DIALECTS)("POST /directories/{id}/mapping_preview on %s", (dialect) => {
  let t: TestApp;
  let acme: KeyedDirectory;
  let globex: KeyedDirectory;
  let ada: string;
  let globexUser: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createKeyedDirectory(t.app, "Acme");
    globex = await createKeyedDirectory(t.app, "Globex");
    ada = await pushUser(acme.scim, "ada@acme.com", {
      schemas: [SCHEMA.user, ENTERPRISE],
      name: { givenName: "Ada" },
      [ENTERPRISE]: { department: "Engineering" },
    });
    await pushGroup(acme.scim, "Admins", [ada], { externalId: "okta-admins" });
    globexUser = await pushUser(globex.scim, "gus@globex.com", {
      schemas: [SCHEMA.user, ENTERPRISE],
      [ENTERPRISE]: { department: "Sales" },
    });
    const saved = await t.app.inject({
      method: "PATCH",
      url: `/directories/${acme.id}`,
      headers: bearer(acme.key),
      payload: { attribute_mapping: { given: "name.givenName" } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });
  afterAll(async () => t?.close());

  const preview = (payload: object, key = acme.key, id = acme.id) =>
    t.app.inject({ method: "POST", url: `/directories/${id}/mapping_preview`, headers: bearer(key), payload });
  const user = async (id: string) =>
    (await t.app.inject({ method: "GET", url: `/directory_users/${id}`, headers: bearer(ADMIN_KEY) })).json();
  const eventCount = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom("events")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst()
      )?.n ?? 0,
    );

  it("shows the user under the mappings given, and saves nothing", async () => {
    const events = await eventCount();
    const before = await user(ada);
    const res = await preview({
      user: ada,
      attribute_mapping: { dept: `${ENTERPRISE}:department` },
      role_mapping: [{ group: "okta-admins", role: "admin", priority: 1 }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      object: "directory_user",
      id: ada,
      custom_attributes: { dept: "Engineering" },
      role: { slug: "admin" },
      roles: [{ slug: "admin" }],
    });
    expect(res.json().groups.map((g: { name: string }) => g.name)).toEqual(["Admins"]);
    expect(await user(ada)).toEqual(before);
    expect(before.custom_attributes).toEqual({ given: "Ada" });
    expect(await eventCount()).toBe(events);
    const directory = (
      await t.app.inject({ method: "GET", url: `/directories/${acme.id}`, headers: bearer(acme.key) })
    ).json();
    expect(directory).toMatchObject({ attribute_mapping: { given: "name.givenName" }, role_mapping: [] });
  });

  it("keeps the saved mapping where one is left out, and tries none for null", async () => {
    const kept = await preview({ user: ada, role_mapping: [{ group: "Admins", role: "owner", priority: 3 }] });
    expect(kept.json()).toMatchObject({ custom_attributes: { given: "Ada" }, role: { slug: "owner" } });
    const cleared = await preview({ user: ada, attribute_mapping: null });
    expect(cleared.json()).toMatchObject({ custom_attributes: {}, role: null, roles: [] });
  });

  it("answers a mapped path the user lacks with null, as the saved mapping would", async () => {
    const res = await preview({ user: ada, attribute_mapping: { cost: `${ENTERPRISE}:costCenter` } });
    expect(res.json().custom_attributes).toEqual({ cost: null });
  });

  it("refuses an invalid mapping with 422 and the field errors a PATCH gives", async () => {
    const res = await preview({
      user: ada,
      attribute_mapping: { "1st": "title", phone: "phoneNumbers[type eq].value" },
      role_mapping: [{ group: "Admins", role: "Admin Role", priority: 1 }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("validation_error");
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["attribute_mapping.1st", "attribute_mapping.phone", "role_mapping.0.role"]);
    for (const error of res.json().errors) expect(error.message).toMatch(/\w+ \w+/);
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${acme.id}`,
      headers: bearer(acme.key),
      payload: { role_mapping: [{ group: "Admins", role: "Admin Role", priority: 1 }] },
    });
    expect(patched.json().errors).toEqual(
      res.json().errors.filter((e: { field: string }) => e.field.startsWith("role_mapping")),
    );
  });

  it("refuses a body without a user, or with a malformed one, as the API refuses bad bodies", async () => {
    expect((await preview({ attribute_mapping: {} })).statusCode).toBe(422);
    expect((await preview({ user: "bob" })).statusCode).toBe(422);
    expect((await preview({ user: ada, extra: true })).statusCode).toBe(422);
  });

  it("keeps organizations apart: another organization's directory is not found, its user is no user of this directory", async () => {
    const foreignDirectory = await preview({ user: globexUser }, acme.key, globex.id);
    expect(foreignDirectory.statusCode).toBe(404);
    expect(foreignDirectory.json().code).toBe("not_found");
    const foreignUser = await preview({ user: globexUser, attribute_mapping: { dept: `${ENTERPRISE}:department` } });
    expect(foreignUser.statusCode).toBe(422);
    expect(foreignUser.json().errors).toEqual([
      { field: "user", code: "not_found", message: "is not a user of this directory" },
    ]);
    expect(foreignUser.body).not.toContain("Sales");
    const unknown = await preview({ user: ada.replace(/.$/, ada.endsWith("0") ? "1" : "0") });
    expect(unknown.json().errors).toEqual(foreignUser.json().errors);
  });

  it("lets the admin key preview any organization's directory, but not across directories", async () => {
    const res = await preview(
      { user: globexUser, attribute_mapping: { dept: `${ENTERPRISE}:department` } },
      ADMIN_KEY,
      globex.id,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().custom_attributes).toEqual({ dept: "Sales" });
    const across = await preview({ user: ada }, ADMIN_KEY, globex.id);
    expect(across.statusCode).toBe(422);
  });

  it("refuses a deleted directory", async () => {
    const gone = await createKeyedDirectory(t.app, "Initech");
    const who = await pushUser(gone.scim, "pat@initech.com");
    await t.app.inject({ method: "DELETE", url: `/directories/${gone.id}`, headers: bearer(gone.key) });
    const res = await preview({ user: who }, gone.key, gone.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("directory_deleted");
  });
});
