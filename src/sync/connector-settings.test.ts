import { describe, expect, it } from "vitest";
import { defaultConnectorKinds } from "../connectors/registry.js";
import { movesPosition } from "./connector-settings.js";

const kinds = defaultConnectorKinds();

describe("movesPosition: which PATCHes drop a pull directory's delta watermark", () => {
  const ldap = {
    url: "ldap://ldap.test",
    bind_dn: "cn=reader,dc=acme,dc=test",
    base_dn: "dc=acme,dc=test",
    user_filter: "(objectClass=person)",
  };

  it.each([
    ["url", { url: "ldap://other.test" }],
    ["base_dn", { base_dn: "ou=people,dc=acme,dc=test" }],
    ["user_filter", { user_filter: "(departmentNumber=7)" }],
    ["group_filter", { group_filter: "(cn=eng*)" }],
    ["attributes", { attributes: { email: "proxyAddresses" } }],
  ])("ldap: a change of %s moves it", (_key, patch) => {
    expect(movesPosition(kinds, "ldap", ldap, patch)).toBe(true);
  });

  it("ldap: the bind account, its password, the page size or an unchanged base_dn leave it", () => {
    expect(
      movesPosition(kinds, "ldap", ldap, { bind_dn: "cn=other,dc=acme,dc=test", password: "new", page_size: 200 }),
    ).toBe(false);
    expect(movesPosition(kinds, "ldap", ldap, { base_dn: "dc=acme,dc=test" })).toBe(false);
  });

  it("entra id and okta api: the settings that say which tenant or which groups move it", () => {
    expect(movesPosition(kinds, "entra id", { tenant_id: "a" }, { group_filter: ["Sales"] })).toBe(true);
    expect(movesPosition(kinds, "entra id", { tenant_id: "a" }, { client_secret: "b" })).toBe(false);
    expect(movesPosition(kinds, "okta api", { org_url: "https://a.okta.test" }, { include_app_groups: true })).toBe(
      true,
    );
  });
});
