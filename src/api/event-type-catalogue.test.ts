import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { EVENT_TYPES } from "../events/event-types.js";

interface Listed {
  readonly event: string;
  readonly description: string;
  readonly data_schema: object;
}

describe.each(DIALECTS)("GET /events/types on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it("lists every event type with a description and its data's JSON Schema; a key is needed", async () => {
    const res = await t.app.inject({ method: "GET", url: "/events/types", headers: bearer(ADMIN_KEY) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { object: string; data: Listed[] };
    expect(body.object).toBe("list");
    expect(body.data.map((e) => e.event)).toEqual([...EVENT_TYPES]);
    for (const entry of body.data) expect(entry.description.length).toBeGreaterThan(10);
    expect((await t.app.inject({ method: "GET", url: "/events/types" })).statusCode).toBe(401);
  });

  it("describes the data of the events Roster really writes: each one validates against its type's schema", async () => {
    const listed = (await t.app.inject({ method: "GET", url: "/events/types", headers: bearer(ADMIN_KEY) })).json()
      .data as Listed[];
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validators = new Map(listed.map((e) => [e.event, ajv.compile(e.data_schema)]));

    const dir = await createScimDirectory(t.app);
    const scim = scimClient(t.app, dir);
    const user = (
      await scim("POST", "/Users", {
        schemas: [SCHEMA.user],
        userName: "ada@types.test",
        emails: [{ value: "ada@types.test", primary: true }],
      })
    ).json();
    const group = (
      await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Admins", members: [{ value: user.id }] })
    ).json();
    await scim("PATCH", `/Users/${user.id}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", value: { title: "Engineer" } }],
    });
    await scim("PATCH", `/Groups/${group.id}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", value: { displayName: "Admin team" } }],
    });
    await scim("PATCH", `/Groups/${group.id}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "remove", path: "members" }],
    });
    await scim("DELETE", `/Groups/${group.id}`);
    await scim("DELETE", `/Users/${user.id}`);
    await t.app.inject({
      method: "POST",
      url: `/directories/${dir.id}/scim_token`,
      headers: bearer(ADMIN_KEY),
      payload: { grace_period_seconds: 60 },
    });
    await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: bearer(ADMIN_KEY) });

    const written = await t.storage.db
      .selectFrom("events")
      .select(["event", "data"])
      .where("directory_id", "=", dir.id)
      .execute();
    const seen = new Set(written.map((e) => e.event));
    expect([...seen].sort()).toEqual(EVENT_TYPES.filter((type) => !type.startsWith("connector.")).sort());
    const invalid = written.flatMap(({ event, data }) => {
      const validate = validators.get(event);
      return validate?.(JSON.parse(data))
        ? []
        : [`${event}: ${JSON.stringify(validate?.errors?.map((e) => `${e.instancePath} ${e.message}`))}`];
    });
    expect(invalid).toEqual([]);
  });
});
