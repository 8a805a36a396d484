import { describe, expect, it } from "vitest";
import { decodeDeltaLinks, encodeDeltaLinks } from "./delta-links.js";
import { checkEntraConfig, graphBase, graphScope, tokenEndpoint } from "./entra-config.js";
import { permissionFor, retryAfterMs, urlOf } from "./graph-http.js";
import { odataString } from "./group-filter.js";

const BASE = {
  tenant_id: "contoso.onmicrosoft.com",
  client_id: "3c9e1b2a-1111-4000-8000-000000000002",
  client_secret: "s3cr3t",
};

describe("entra id connector settings", () => {
  it("accepts the three credentials, trimmed, with Microsoft's public endpoints as defaults", () => {
    const checked = checkEntraConfig({ ...BASE, tenant_id: " contoso.onmicrosoft.com " });
    expect(checked).toEqual({ ok: true, value: BASE });
    if (!checked.ok) return;
    expect(graphBase(checked.value)).toBe("https://graph.microsoft.com/v1.0");
    expect(tokenEndpoint(checked.value)).toBe(
      "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
    );
    expect(graphScope(checked.value)).toBe("https://graph.microsoft.com/.default");
  });

  it("names a sovereign cloud's endpoints, and asks for its Graph's scope", () => {
    const checked = checkEntraConfig({
      ...BASE,
      graph_url: "https://graph.microsoft.us/v1.0/",
      token_url: "https://login.microsoftonline.us/{tenant_id}/oauth2/v2.0/token",
      group_filter: [" Sales "],
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.group_filter).toEqual(["Sales"]);
    expect(graphBase(checked.value)).toBe("https://graph.microsoft.us/v1.0");
    expect(tokenEndpoint(checked.value)).toBe(
      "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token",
    );
    expect(graphScope(checked.value)).toBe("https://graph.microsoft.us/.default");
  });

  it("names every bad field", () => {
    const result = checkEntraConfig({
      tenant_id: "../evil",
      client_secret: "",
      group_filter: [],
      graph_url: "ftp://x",
      token_url: "https://u:p@login.test/t",
      timeout_ms: 5,
      tenantId: "x",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ["connector.tenantId", "unknown"],
      ["connector.tenant_id", "invalid"],
      ["connector.client_id", "required"],
      ["connector.client_secret", "required"],
      ["connector.group_filter", "type"],
      ["connector.graph_url", "invalid_url"],
      ["connector.token_url", "invalid_url"],
      ["connector.timeout_ms", "out_of_range"],
    ]);
  });
});

describe("Graph's conventions", () => {
  it("reads Retry-After as seconds or as a date", () => {
    expect(retryAfterMs("7")).toBe(7000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs("soon")).toBeNull();
  });

  it("keeps query option names readable and encodes their values", () => {
    expect(urlOf("https://g.test/v1.0", "/users", { $select: "id,mail", $filter: "id in ('a b')" })).toBe(
      "https://g.test/v1.0/users?$select=id%2Cmail&$filter=id%20in%20('a%20b')",
    );
    expect(odataString("O'Brien's")).toBe("'O''Brien''s'");
  });

  it("names the permission each read needs", () => {
    expect(permissionFor("/v1.0/users/delta")).toBe("User.Read.All");
    expect(permissionFor("/v1.0/groups")).toBe("Group.Read.All");
    expect(permissionFor("/v1.0/groups/abc/transitiveMembers/microsoft.graph.user")).toBe("GroupMember.Read.All");
  });

  it("keeps both delta links in one watermark, and refuses another connector's", () => {
    const links = {
      users: "https://graph.microsoft.com/v1.0/users/delta?$deltatoken=a",
      groups: "https://graph.microsoft.com/v1.0/groups/delta?$deltatoken=b",
    };
    expect(decodeDeltaLinks(encodeDeltaLinks(links))).toEqual(links);
    expect(() => decodeDeltaLinks("2026-01-01T00:00:00.000Z")).toThrow(/run a full sync/);
  });
});
