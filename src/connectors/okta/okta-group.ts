import type { GroupInput } from "../../directory/index.js";
import type { InvalidRecord } from "../source.js";
import { without } from "./okta-user.js";

/** HAL links, and the stamps that move with every change (a membership change is not a change of the group's attributes). */
const NOT_RAW = new Set(["_links", "_embedded", "lastUpdated", "lastMembershipUpdated"]);

export interface OktaGroup {
  readonly kind: "group";
  readonly group: GroupInput & { readonly idpId: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An Okta group object (`GET /api/v1/groups`): `profile.name` is its name, its `id` the key. */
export function readOktaGroup(group: unknown, position: string): OktaGroup | InvalidRecord {
  if (!isObject(group)) return { kind: "invalid", ref: position, message: "the group is not a JSON object" };
  const id = typeof group.id === "string" && group.id !== "" ? group.id : null;
  if (id === null) return { kind: "invalid", ref: position, message: "the group has no id" };
  const profile = isObject(group.profile) ? group.profile : {};
  const name = typeof profile.name === "string" ? profile.name.trim() : "";
  if (name === "") return { kind: "invalid", ref: id, message: "the group has no profile.name" };
  return { kind: "group", group: { idpId: id, name, rawAttributes: without(group, NOT_RAW) } };
}
