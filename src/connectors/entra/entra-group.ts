import type { GroupInput } from "../../directory/index.js";
import type { InvalidRecord } from "../source.js";

/** The group properties asked for (`$select`). */
export const GROUP_SELECT = [
  "id",
  "displayName",
  "description",
  "groupTypes",
  "securityEnabled",
  "mailEnabled",
  "mail",
  "mailNickname",
  "onPremisesSamAccountName",
  "onPremisesSecurityIdentifier",
  "onPremisesSyncEnabled",
].join(",");

export interface EntraGroup {
  readonly kind: "group";
  readonly group: GroupInput & { readonly idpId: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Security groups and Microsoft 365 groups (`groupTypes` has "Unified") are read; distribution
 * lists and mail-enabled security groups without either are not people's access groups, and are
 * skipped (null).
 */
export function isSyncedGroup(group: Record<string, unknown>): boolean {
  const unified = Array.isArray(group.groupTypes) && group.groupTypes.includes("Unified");
  return unified || group.securityEnabled === true;
}

/** A Graph group (`GET /groups?$select=…`): `displayName` is its name, its object `id` the key; null when not synced. */
export function readEntraGroup(group: unknown, position: string): EntraGroup | InvalidRecord | null {
  if (!isObject(group)) return { kind: "invalid", ref: position, message: "the group is not a JSON object" };
  const id = typeof group.id === "string" && group.id !== "" ? group.id : null;
  if (id === null) return { kind: "invalid", ref: position, message: "the group has no id" };
  if (!isSyncedGroup(group)) return null;
  const name = typeof group.displayName === "string" ? group.displayName.trim() : "";
  if (name === "") return { kind: "invalid", ref: id, message: "the group has no displayName" };
  const raw = Object.fromEntries(Object.entries(group).filter(([key]) => !key.includes("@")));
  return { kind: "group", group: { idpId: id, name, rawAttributes: raw } };
}
