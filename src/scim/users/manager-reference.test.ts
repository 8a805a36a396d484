import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createKeyedDirectory, type KeyedDirectory, pushUser } from "../../../test/support/directory-fixtures.js";
import { SCHEMA } from "../../../test/support/scim-client.js";
import { bearer, createTestApp, type TestApp } from "../../../test/support/test-app.js";

const ENTERPRISE = SCHEMA.enterprise;
const NO_SUCH_USER = "directory_user_01KA0000000000000000000000";

describe.each(DIALECTS)("the enterprise manager stays within its directory on %s", (dialect) => {
  let t: TestApp;
  let acme: KeyedDirectory;
  let globex: KeyedDirectory;
  let acmeBoss: string;
  let globexUser: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createKeyedDirectory(t.app, "Acme");
    globex = await createKeyedDirectory(t.app, "Globex");
    const mapping = { attribute_mapping: { manager_id: `${ENTERPRISE}:manager.value` } };
    expect(
      (
        await t.app.inject({
          method: "PATCH",
          url: `/directories/${acme.id}`,
          headers: bearer(acme.key),
          payload: mapping,
        })
      ).statusCode,
    ).toBe(200);
    acmeBoss = await pushUser(acme.scim, "boss@acme.com");
    globexUser = await pushUser(globex.scim, "secret@globex.com", { title: "Globex only" });
  });
  afterAll(async () => t?.close());

  const entraManagerPatch = (value: string) => ({
    schemas: [SCHEMA.patch],
    Operations: [{ op: "Add", path: `${ENTERPRISE}:manager`, value }],
  });
  const normalized = async (id: string) =>
    (await t.app.inject({ method: "GET", url: `/directory_users/${id}`, headers: bearer(acme.key) })).json();
  /** An answer with the value it names taken out, to compare refusals of two different values. */
  const refusal = (res: { statusCode: number; body: string }, value: string) => ({
    status: res.statusCode,
    body: res.body.replaceAll(value, "…"),
  });

  it("refuses another directory's user id as the manager, on PATCH, POST and PUT, exactly as an id of no user, and stores nothing", async () => {
    const ada = await pushUser(acme.scim, "ada@acme.com");
    const before = (await acme.scim("GET", `/Users/${ada}`)).json();
    const foreign = await acme.scim("PATCH", `/Users/${ada}`, entraManagerPatch(globexUser));
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({ schemas: [SCHEMA.error], status: "400", scimType: "invalidValue" });
    expect(refusal(foreign, globexUser)).toEqual(
      refusal(await acme.scim("PATCH", `/Users/${ada}`, entraManagerPatch(NO_SUCH_USER)), NO_SUCH_USER),
    );
    const valuePath = await acme.scim("PATCH", `/Users/${ada}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", path: `${ENTERPRISE}:manager.value`, value: globexUser }],
    });
    expect(valuePath.statusCode).toBe(400);
    expect((await acme.scim("GET", `/Users/${ada}`)).json()).toEqual(before);

    const created = await acme.scim("POST", "/Users", {
      schemas: [SCHEMA.user, ENTERPRISE],
      userName: "new@acme.com",
      [ENTERPRISE]: { manager: { value: globexUser } },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().scimType).toBe("invalidValue");
    expect(
      (await acme.scim("GET", `/Users?filter=${encodeURIComponent('userName eq "new@acme.com"')}`)).json().totalResults,
    ).toBe(0);
    const replaced = await acme.scim("PUT", `/Users/${ada}`, {
      schemas: [SCHEMA.user, ENTERPRISE],
      userName: "ada@acme.com",
      [ENTERPRISE]: { manager: globexUser.toUpperCase() },
    });
    expect(replaced.statusCode).toBe(400);
  });

  it("refuses it inside a bulk request too", async () => {
    const res = await acme.scim("POST", "/Bulk", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
      Operations: [
        {
          method: "POST",
          path: "/Users",
          bulkId: "u",
          data: { schemas: [SCHEMA.user], userName: "bulk@acme.com", [ENTERPRISE]: { manager: globexUser } },
        },
      ],
    });
    expect(res.json().Operations[0]).toMatchObject({ status: "400", response: { scimType: "invalidValue" } });
  });

  it("takes a user of the same directory as the manager and renders its $ref in that directory", async () => {
    const ada = await pushUser(acme.scim, "ada2@acme.com");
    const res = await acme.scim("PATCH", `/Users/${ada}`, entraManagerPatch(acmeBoss));
    expect(res.statusCode).toBe(200);
    expect(res.json()[ENTERPRISE].manager).toEqual({
      value: acmeBoss,
      $ref: `http://roster.test${acme.base}/Users/${acmeBoss}`,
    });
    const user = await normalized(ada);
    expect(user.custom_attributes.manager_id).toBe(acmeBoss);
    expect(user.raw_attributes[ENTERPRISE].manager).toEqual({ value: acmeBoss });
  });

  it("keeps an IdP's opaque manager value as sent, and drops the $ref and displayName an IdP sends with it", async () => {
    const id = await pushUser(acme.scim, "carol@acme.com", {
      schemas: [SCHEMA.user, ENTERPRISE],
      [ENTERPRISE]: {
        manager: {
          value: "00u1okta",
          $ref: `http://roster.test${globex.base}/Users/${globexUser}`,
          displayName: "Globex Secret",
        },
      },
    });
    const scim = (await acme.scim("GET", `/Users/${id}`)).json();
    expect(scim[ENTERPRISE].manager).toEqual({ value: "00u1okta" });
    const user = await normalized(id);
    expect(user.custom_attributes.manager_id).toBe("00u1okta");
    expect(JSON.stringify(user)).not.toContain(globex.id);
    expect(JSON.stringify(scim)).not.toContain("Globex");
  });
});
