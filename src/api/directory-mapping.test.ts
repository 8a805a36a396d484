import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  changeMembers,
  createKeyedDirectory,
  type KeyedDirectory,
  pushGroup,
  pushUser,
  setActive,
} from "../../test/support/directory-fixtures.js";
import { SCHEMA } from "../../test/support/scim-client.js";
import { bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

const ENTERPRISE = SCHEMA.enterprise;
const MAPPING = {
  department: `${ENTERPRISE}:department`,
  cost_center: `${ENTERPRISE}:costCenter`,
  manager_id: `${ENTERPRISE}:manager.value`,
  phone: 'phoneNumbers[type eq "work"].value',
  given: "name.givenName",
};

describe.each(DIALECTS)("directory attribute and role mapping on %s", (dialect) => {
  let t: TestApp;
  let dir: KeyedDirectory;
  let ada: string;
  let bob: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createKeyedDirectory(t.app, "Acme");
    ada = await pushUser(dir.scim, "ada@acme.com", {
      schemas: [SCHEMA.user, ENTERPRISE],
      name: { givenName: "Ada" },
      phoneNumbers: [
        { type: "mobile", value: "+1 555 0100" },
        { type: "Work", value: "+1 555 0199" },
      ],
      [ENTERPRISE]: { department: "Engineering", costCenter: "CC-42", manager: { value: "mgr-1" } },
    });
    bob = await pushUser(dir.scim, "bob@acme.com");
  });
  afterAll(async () => t?.close());

  const patch = (payload: object, key = dir.key) =>
    t.app.inject({ method: "PATCH", url: `/directories/${dir.id}`, headers: bearer(key), payload });
  const user = async (id: string) =>
    (await t.app.inject({ method: "GET", url: `/directory_users/${id}`, headers: bearer(dir.key) })).json();
  const lastSeq = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom("events")
          .select((eb) => eb.fn.max("seq").as("m"))
          .executeTakeFirst()
      )?.m ?? 0,
    );
  const eventsSince = async (seq: number) =>
    (
      await t.storage.db
        .selectFrom("events")
        .select(["event", "data"])
        .where("directory_id", "=", dir.id)
        .where("seq", ">", seq)
        .orderBy("seq")
        .execute()
    ).map((e) => ({
      event: e.event,
      data: JSON.parse(e.data),
    }));

  it("applies a new attribute mapping to existing users, writing dsync.user.updated for each one changed", async () => {
    const seq = await lastSeq();
    const res = await patch({ attribute_mapping: MAPPING });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ attribute_mapping: MAPPING, role_mapping: [] });
    expect((await user(ada)).custom_attributes).toEqual({
      department: "Engineering",
      cost_center: "CC-42",
      manager_id: "mgr-1",
      phone: "+1 555 0199",
      given: "Ada",
    });
    expect((await user(bob)).custom_attributes).toEqual({
      department: null,
      cost_center: null,
      manager_id: null,
      phone: null,
      given: null,
    });
    const events = await eventsSince(seq);
    expect(events.map((e) => [e.event, e.data.id])).toEqual([
      ["dsync.user.updated", ada],
      ["dsync.user.updated", bob],
    ]);
    expect(events[0]?.data.previous_attributes).toEqual({ custom_attributes: {} });
    expect(events[0]?.data.custom_attributes.department).toBe("Engineering");
  });

  it("writes no event when the same mapping is set again", async () => {
    const seq = await lastSeq();
    expect((await patch({ attribute_mapping: MAPPING })).statusCode).toBe(200);
    expect(await eventsSince(seq)).toEqual([]);
  });

  it("shows the mappings on the directory object", async () => {
    const res = await t.app.inject({ method: "GET", url: `/directories/${dir.id}`, headers: bearer(dir.key) });
    expect(res.json()).toMatchObject({ attribute_mapping: MAPPING, role_mapping: [] });
  });

  it("maps users written after the mapping, and records the change when a source value moves", async () => {
    const cy = await pushUser(dir.scim, "cy@acme.com", {
      schemas: [SCHEMA.user, ENTERPRISE],
      [ENTERPRISE]: { department: "Sales" },
    });
    expect((await user(cy)).custom_attributes.department).toBe("Sales");
    const seq = await lastSeq();
    const res = await dir.scim("PATCH", `/Users/${cy}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", path: `${ENTERPRISE}:department`, value: "Support" }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const [event] = await eventsSince(seq);
    expect(event?.data.custom_attributes.department).toBe("Support");
    expect(event?.data.previous_attributes.custom_attributes.department).toBe("Sales");
  });

  it("reads attribute names and schema URNs case-insensitively", async () => {
    await patch({
      attribute_mapping: {
        dept: `${ENTERPRISE.toUpperCase()}:DEPARTMENT`,
        first: "NAME.GIVENNAME",
        mobile: 'PhoneNumbers[TYPE eq "MOBILE"].Value',
      },
    });
    expect((await user(ada)).custom_attributes).toEqual({ dept: "Engineering", first: "Ada", mobile: "+1 555 0100" });
    await patch({ attribute_mapping: MAPPING });
  });

  it("clears custom attributes when the mapping is removed", async () => {
    expect((await patch({ attribute_mapping: null })).json().attribute_mapping).toEqual({});
    expect((await user(ada)).custom_attributes).toEqual({});
    await patch({ attribute_mapping: MAPPING });
  });

  it("gives every matched role, highest priority first, and the top one as role", async () => {
    const admins = await pushGroup(dir.scim, "Admins", [ada], { externalId: "okta-admins" });
    await pushGroup(dir.scim, "Everyone", [ada, bob]);
    const res = await patch({
      role_mapping: [
        { group: "everyone", role: "member", priority: 1 },
        { group: "okta-admins", role: "admin", priority: 10 },
        { group: admins, role: "billing", priority: 5 },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await user(ada)).toMatchObject({
      role: { slug: "admin" },
      roles: [{ slug: "admin" }, { slug: "billing" }, { slug: "member" }],
    });
    expect(await user(bob)).toMatchObject({ role: { slug: "member" }, roles: [{ slug: "member" }] });
  });

  it("moves a user's role when its memberships change, with dsync.user.updated", async () => {
    const admins = (
      await t.app.inject({
        method: "GET",
        url: `/directory_groups?directory=${dir.id}&limit=100`,
        headers: bearer(dir.key),
      })
    )
      .json()
      .data.find((g: { name: string }) => g.name === "Admins").id;
    const seq = await lastSeq();
    await changeMembers(dir.scim, admins, "add", [bob]);
    expect(await user(bob)).toMatchObject({
      role: { slug: "admin" },
      roles: [{ slug: "admin" }, { slug: "billing" }, { slug: "member" }],
    });
    await changeMembers(dir.scim, admins, "remove", [bob]);
    expect(await user(bob)).toMatchObject({ role: { slug: "member" }, roles: [{ slug: "member" }] });
    const updates = (await eventsSince(seq)).filter((e) => e.event === "dsync.user.updated");
    expect(updates.map((e) => [e.data.id, e.data.role.slug, e.data.previous_attributes.role.slug])).toEqual([
      [bob, "admin", "member"],
      [bob, "member", "admin"],
    ]);
  });

  it("follows a group's rename to the rule that names it", async () => {
    const group = await pushGroup(dir.scim, "Contractors", [bob]);
    await patch({ role_mapping: [{ group: "Auditors", role: "auditor", priority: 1 }] });
    expect((await user(bob)).roles).toEqual([]);
    const res = await dir.scim("PATCH", `/Groups/${group}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", value: { displayName: "Auditors" } }],
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect((await user(bob)).role).toEqual({ slug: "auditor" });
    expect((await dir.scim("DELETE", `/Groups/${group}`)).statusCode).toBe(204);
    expect((await user(bob)).role).toBeNull();
  });

  it("takes an inactive user's roles away under the hide policy and gives them back on reactivation", async () => {
    await patch({ role_mapping: [{ group: "Everyone", role: "member", priority: 1 }] });
    await setActive(dir.scim, bob, false);
    expect(await user(bob)).toMatchObject({ state: "inactive", role: null, roles: [] });
    await setActive(dir.scim, bob, true);
    expect((await user(bob)).role).toEqual({ slug: "member" });
  });

  it("re-applies roles when the deactivated-members policy changes", async () => {
    await setActive(dir.scim, bob, false);
    expect((await patch({ deactivated_members: "keep" })).json().deactivated_members).toBe("keep");
    expect(await user(bob)).toMatchObject({ state: "inactive", role: { slug: "member" } });
    await patch({ deactivated_members: "hide" });
    expect((await user(bob)).role).toBeNull();
    await setActive(dir.scim, bob, true);
  });

  it("refuses a bad mapping with 422 and field errors, changing nothing", async () => {
    const before = (
      await t.app.inject({ method: "GET", url: `/directories/${dir.id}`, headers: bearer(dir.key) })
    ).json();
    const cases: [object, string][] = [
      [{ attribute_mapping: { phone: "phoneNumbers[type eq].value" } }, "attribute_mapping.phone"],
      [{ attribute_mapping: { dept: "a..b" } }, "attribute_mapping.dept"],
      [{ attribute_mapping: { "1st": "title" } }, "attribute_mapping.1st"],
      [{ attribute_mapping: { dept: 42 } }, "attribute_mapping.dept"],
      [{ attribute_mapping: ["title"] }, "attribute_mapping"],
      [{ role_mapping: [{ group: "Admins", role: "Admin Role", priority: 1 }] }, "role_mapping.0.role"],
      [{ role_mapping: [{ group: "Admins", role: "admin" }] }, "role_mapping.0.priority"],
      [{ role_mapping: [{ group: "Admins", role: "admin", priority: 1.5 }] }, "role_mapping.0.priority"],
      [{ role_mapping: [{ group: "  ", role: "admin", priority: 1 }] }, "role_mapping.0.group"],
      [{ role_mapping: { group: "Admins" } }, "role_mapping"],
    ];
    for (const [payload, field] of cases) {
      const res = await patch({ name: "Renamed", ...payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect(res.json().code).toBe("validation_error");
      expect(
        res.json().errors.map((e: { field: string }) => e.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    const after = (
      await t.app.inject({ method: "GET", url: `/directories/${dir.id}`, headers: bearer(dir.key) })
    ).json();
    expect(after).toEqual(before);
  });
});
