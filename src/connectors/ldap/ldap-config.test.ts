import { describe, expect, it } from "vitest";
import { DEFAULT_GROUP_FILTER, DEFAULT_USER_FILTER, ldapKeysOf, parseLdapConfig } from "./ldap-config.js";

const minimal = {
  url: "ldap://ldap.example.test",
  bind_dn: "cn=sync,dc=example,dc=test",
  password: "s3cret",
  base_dn: "dc=example,dc=test",
};

function errorsOf(input: unknown) {
  const parsed = parseLdapConfig(input);
  if (parsed.ok) throw new Error("expected errors");
  return parsed.errors;
}

describe("LDAP connector settings", () => {
  it("fills every default for a minimal connector", () => {
    const parsed = parseLdapConfig(minimal);
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({
        url: minimal.url,
        bindDn: minimal.bind_dn,
        userFilter: DEFAULT_USER_FILTER,
        groupFilter: DEFAULT_GROUP_FILTER,
        tls: { starttls: false, ca: null, rejectUnauthorized: true },
        pageSize: 200,
        timeoutMs: 30_000,
      }),
    });
    if (!parsed.ok) return;
    expect(parsed.value.attributes).toMatchObject({
      username: ["uid", "sAMAccountName", "cn"],
      email: "mail",
      firstName: "givenName",
      lastName: "sn",
      jobTitle: "title",
      groupName: "cn",
      active: null,
    });
  });

  it("reads userAccountControl as AD's account flags and other active attributes as booleans", () => {
    const ad = parseLdapConfig({
      ...minimal,
      attributes: { username: "sAMAccountName", active: "userAccountControl" },
    });
    expect(ad.ok && ad.value.attributes).toMatchObject({
      username: ["sAMAccountName"],
      active: { attribute: "userAccountControl", format: "account_control" },
    });
    const other = parseLdapConfig({ ...minimal, attributes: { active: "employeeActive" } });
    expect(other.ok && other.value.attributes.active).toEqual({ attribute: "employeeActive", format: "boolean" });
    const locked = parseLdapConfig({
      ...minimal,
      attributes: { active: { attribute: "nsAccountLock", format: "inverted_boolean" } },
    });
    expect(locked.ok && locked.value.attributes.active).toEqual({
      attribute: "nsAccountLock",
      format: "inverted_boolean",
    });
  });

  it("names each bad field under connector.", () => {
    const fields = errorsOf({ ...minimal, url: 42, page_size: 0, tls: { starttls: "yes" }, colour: "blue" }).map(
      (e) => e.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining(["connector.url", "connector.page_size", "connector.tls.starttls", "connector.colour"]),
    );
    expect(
      errorsOf({ url: "ldap://x" })
        .map((e) => e.message)
        .join(" "),
    ).toContain("bind_dn");
  });

  it("refuses a URL that is not ldap:// or ldaps://, StartTLS over ldaps://, a bad filter and a CA that is not PEM", () => {
    expect(errorsOf({ ...minimal, url: "http://ldap.example.test" })).toEqual([
      expect.objectContaining({ field: "connector.url", code: "scheme" }),
    ]);
    expect(errorsOf({ ...minimal, url: "ldaps://ldap.example.test", tls: { starttls: true } })).toEqual([
      expect.objectContaining({ field: "connector.tls.starttls" }),
    ]);
    expect(errorsOf({ ...minimal, user_filter: "(&(objectClass=person)" })).toEqual([
      expect.objectContaining({ field: "connector.user_filter", code: "filter" }),
    ]);
    expect(errorsOf({ ...minimal, tls: { ca: "not a certificate" } })).toEqual([
      expect.objectContaining({ field: "connector.tls.ca" }),
    ]);
  });

  it("keeps only its own keys of a stored connector that also holds the engine's settings", () => {
    expect(ldapKeysOf({ ...minimal, schedule: "1h", max_removal_percent: 20 })).toEqual(minimal);
  });
});
