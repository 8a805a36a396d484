import type { GroupInput } from "../../directory/index.js";
import type { InvalidRecord } from "../source.js";

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
  const { _links: _ignored, _embedded: _alsoIgnored, ...raw } = group;
  return { kind: "group", group: { idpId: id, name, rawAttributes: raw } };
}
