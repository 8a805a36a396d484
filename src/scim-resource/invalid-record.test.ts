/**
 * A SCIM record that cannot be kept is an `InvalidScimRecord`, not a SCIM protocol error: the SCIM
 * door answers it as a 400 Error body with its scimType, and the SCIM pull connector counts the
 * upstream record invalid and goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { readUpstreamGroup } from "../connectors/scim-pull/upstream-group.js";
import { readUpstreamUser } from "../connectors/scim-pull/upstream-user.js";
import { ScimError } from "../scim/errors.js";
import { readGroupBody } from "./group-document.js";
import { InvalidScimRecord } from "./invalid-record.js";
import { readUserDocument } from "./user-document.js";

function thrownBy(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error("nothing was thrown");
}

describe("reading SCIM records", () => {
  it("refuses a user without userName, or with an active that is no boolean, as an invalid record", () => {
    const missing = thrownBy(() => readUserDocument({ name: { givenName: "A" } }));
    expect(missing).toBeInstanceOf(InvalidScimRecord);
    expect(missing).not.toBeInstanceOf(ScimError);
    expect(missing).toMatchObject({
      detail: "userName is required and must be a non-empty string",
      scimType: "invalidValue",
    });
    expect(thrownBy(() => readUserDocument({ userName: "a", active: "maybe" }))).toMatchObject({
      detail: "active must be a boolean",
    });
    expect(thrownBy(() => readUserDocument([]))).toMatchObject({ scimType: "invalidSyntax" });
  });

  it('reads Entra\'s "False" as false', () => {
    expect(readUserDocument({ userName: "a", active: "False" }).active).toBe(false);
  });

  it("refuses a group whose members are not an array of values", () => {
    expect(thrownBy(() => readGroupBody({ displayName: "g", members: "u1" }))).toMatchObject({
      detail: "members must be an array",
      scimType: "invalidValue",
    });
    expect(thrownBy(() => readGroupBody({ displayName: "g", members: [{ display: "no value" }] }))).toBeInstanceOf(
      InvalidScimRecord,
    );
  });

  it("lets the SCIM pull connector count an upstream record invalid, with the reason", () => {
    expect(readUpstreamUser({ id: "u-1", active: true }, "users[0]")).toEqual({
      kind: "invalid",
      ref: "u-1",
      message: "userName is required and must be a non-empty string",
    });
    expect(readUpstreamGroup({ id: "g-1", members: [] }, "groups[0]")).toMatchObject({
      kind: "invalid",
      ref: "g-1",
      message: "displayName is required and must be a non-empty string",
    });
  });
});

describe.each(DIALECTS)("an invalid record pushed over SCIM on %s", (dialect) => {
  let t: TestApp;
  let scim: ReturnType<typeof scimClient>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    scim = scimClient(t.app, await createScimDirectory(t.app));
  });
  afterAll(async () => {
    await t.close();
  });

  it("is answered 400 with the SCIM Error schema, its scimType and detail, and nothing is stored", async () => {
    const user = await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "a@x.com", active: "maybe" });
    expect(user.statusCode).toBe(400);
    expect(user.json()).toEqual({
      schemas: [SCHEMA.error],
      status: "400",
      scimType: "invalidValue",
      detail: "active must be a boolean",
    });
    const group = await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "g", members: "a@x.com" });
    expect(group.statusCode).toBe(400);
    expect(group.json()).toMatchObject({ status: "400", scimType: "invalidValue", detail: "members must be an array" });
    expect((await scim("GET", "/Users")).json().totalResults).toBe(0);
    expect((await scim("GET", "/Groups")).json().totalResults).toBe(0);
  });
});
