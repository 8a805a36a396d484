import { describe, expect, it } from "vitest";
import { checkRoleMapping, rankRules, rolesOf } from "./role-mapping.js";

const groups = [
  { id: "directory_group_A", idp_id: "okta-admins", name: "Admins" },
  { id: "directory_group_B", idp_id: null, name: "Everyone" },
];

describe("role mappings", () => {
  it("matches a group by id, idp_id or name (case-insensitively) and ranks by priority", () => {
    const ranked = rankRules([
      { group: "everyone", role: "member", priority: 1 },
      { group: "okta-admins", role: "admin", priority: 10 },
      { group: "directory_group_A", role: "billing", priority: 5 },
      { group: "Nobody", role: "ghost", priority: 100 },
    ]);
    expect(rolesOf(groups, ranked)).toEqual({ role: "admin", roles: ["admin", "billing", "member"] });
  });

  it("keeps the given order between equal priorities and lists a role once", () => {
    const ranked = rankRules([
      { group: "Everyone", role: "viewer", priority: 1 },
      { group: "Admins", role: "editor", priority: 1 },
      { group: "Admins", role: "viewer", priority: 0 },
    ]);
    expect(rolesOf(groups, ranked)).toEqual({ role: "viewer", roles: ["viewer", "editor"] });
  });

  it("gives no role to a user in no matching group", () => {
    expect(rolesOf([], rankRules([{ group: "Admins", role: "admin", priority: 1 }]))).toEqual({
      role: null,
      roles: [],
    });
  });

  it("refuses empty groups, bad slugs and fractional priorities, field by field", () => {
    const checked = checkRoleMapping([
      { group: "Admins", role: "admin", priority: 1 },
      { group: " ", role: "has space", priority: 0.5 },
    ]);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.map((e) => e.field)).toEqual([
      "role_mapping.1.group",
      "role_mapping.1.role",
      "role_mapping.1.priority",
    ]);
  });
});
