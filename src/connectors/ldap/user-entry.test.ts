import { describe, expect, it } from "vitest";
import { parseLdapConfig } from "./ldap-config.js";
import { activeOf, toSourceUser, userAttributes } from "./user-entry.js";

function mapping(attributes: Record<string, unknown> = {}) {
  const parsed = parseLdapConfig({ url: "ldap://x", bind_dn: "cn=a", password: "p", base_dn: "dc=x", attributes });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value.attributes;
}

describe("LDAP user entries", () => {
  it("reads AD's userAccountControl bit 2 as disabled", () => {
    expect(activeOf("512", "account_control")).toBe(true);
    expect(activeOf("514", "account_control")).toBe(false);
    expect(activeOf("66050", "account_control")).toBe(false);
    expect(activeOf(null, "account_control")).toBe(true);
    expect(activeOf("abc", "account_control")).toBeInstanceOf(Error);
  });

  it("reads boolean-ish values, inverted for lock flags, and refuses to guess others", () => {
    expect(activeOf("TRUE", "boolean")).toBe(true);
    expect(activeOf("disabled", "boolean")).toBe(false);
    expect(activeOf("TRUE", "inverted_boolean")).toBe(false);
    expect(activeOf("maybe", "boolean")).toBeInstanceOf(Error);
  });

  it("keeps AD's objectGUID as base64 and never a password, and falls back to sAMAccountName", () => {
    const guid = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    const item = toSourceUser(
      {
        dn: "CN=Ann Lee,OU=Staff,DC=corp,DC=test",
        sAMAccountName: "alee",
        objectGUID: guid,
        userAccountControl: "514",
        unicodePwd: "x",
        mail: [],
      },
      mapping({ active: "userAccountControl" }),
    );
    expect(item).toMatchObject({
      kind: "record",
      record: { idpId: "cn=ann lee,ou=staff,dc=corp,dc=test", username: "alee", active: false, emails: [] },
    });
    if (item.kind !== "record") return;
    expect(item.record.rawAttributes).toEqual({
      dn: "CN=Ann Lee,OU=Staff,DC=corp,DC=test",
      sAMAccountName: "alee",
      objectGUID: guid.toString("base64"),
      userAccountControl: "514",
    });
  });

  it("never asks the server for a password attribute, even as an extra", () => {
    expect(userAttributes(mapping({ extra: ["userPassword", "displayName"] }))).not.toContain("userPassword");
    expect(userAttributes(mapping({ extra: ["userPassword", "displayName"] }))).toContain("displayName");
  });
});
