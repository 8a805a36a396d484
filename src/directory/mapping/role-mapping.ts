import type { FieldError } from "../../core/errors.js";
import type { Checked } from "./attribute-mapping.js";

/** Members of `group` (its id, idp_id or name) get `role`; a higher `priority` ranks first. */
export interface RoleRule {
  readonly group: string;
  readonly role: string;
  readonly priority: number;
}

/** What a rule is matched against. */
export interface GroupKey {
  readonly id: string;
  readonly idp_id: string | null;
  readonly name: string;
}

export interface UserRoles {
  readonly role: string | null;
  readonly roles: string[];
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
export const MAX_ROLE_RULES = 200;

function checkRule(rule: RoleRule, index: number): FieldError[] {
  const field = `role_mapping.${index}`;
  const errors: FieldError[] = [];
  if (typeof rule.group !== "string" || rule.group.trim() === "")
    errors.push({ field: `${field}.group`, code: "required", message: "names a group by id, idp_id or name" });
  if (typeof rule.role !== "string" || !SLUG.test(rule.role))
    errors.push({
      field: `${field}.role`,
      code: "invalid_slug",
      message: "is a role slug: letters, digits, _ . : - (100 at most)",
    });
  if (!Number.isInteger(rule.priority))
    errors.push({ field: `${field}.priority`, code: "type", message: "must be an integer" });
  return errors;
}

/** Validates a role mapping from the API. */
export function checkRoleMapping(rules: readonly RoleRule[]): Checked<RoleRule[]> {
  const errors = rules.flatMap(checkRule);
  if (rules.length > MAX_ROLE_RULES)
    errors.push({ field: "role_mapping", code: "too_many", message: `holds at most ${MAX_ROLE_RULES} rules` });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: rules.map((r) => ({ group: r.group.trim(), role: r.role, priority: r.priority })) };
}

/** Highest priority first; equal priorities keep the order they were given in. */
export function rankRules(rules: readonly RoleRule[]): RoleRule[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
    .map((r) => r.rule);
}

function matches(rule: RoleRule, group: GroupKey): boolean {
  // Group names are unique per directory case-insensitively, so they match that way too.
  return (
    group.id === rule.group || group.idp_id === rule.group || group.name.toLowerCase() === rule.group.toLowerCase()
  );
}

/** `roles`: every matched slug, highest priority first; `role`: the first of them (null when none). */
export function rolesOf(groups: readonly GroupKey[], ranked: readonly RoleRule[]): UserRoles {
  const roles: string[] = [];
  for (const rule of ranked) {
    if (!roles.includes(rule.role) && groups.some((g) => matches(rule, g))) roles.push(rule.role);
  }
  return { role: roles[0] ?? null, roles };
}
