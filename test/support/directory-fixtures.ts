import type { FastifyInstance } from "fastify";
import { SCHEMA, type ScimDirectory, scimClient } from "./scim-client.js";
import { bearer, createOrgWithKey } from "./test-app.js";

export type Scim = ReturnType<typeof scimClient>;

/** An organization with its own API key and one SCIM directory created with that key. */
export interface KeyedDirectory extends ScimDirectory {
  readonly key: string;
  readonly scim: Scim;
}

export async function createKeyedDirectory(
  app: FastifyInstance,
  name: string,
  deactivatedMembers = "hide",
): Promise<KeyedDirectory> {
  const { orgId, key } = await createOrgWithKey(app, name);
  const res = await app.inject({
    method: "POST",
    url: "/directories",
    headers: bearer(key),
    payload: { name: `${name} IdP`, type: "okta scim v2.0", deactivated_members: deactivatedMembers },
  });
  if (res.statusCode !== 201) throw new Error(`directory create failed: ${res.body}`);
  const dir = res.json();
  const scimDir: ScimDirectory = { id: dir.id, orgId, token: dir.scim.token, base: `/scim/v2/${dir.id}` };
  return { ...scimDir, key, scim: scimClient(app, scimDir) };
}

/** Pushes a user over SCIM as an IdP would; returns its id. */
export async function pushUser(scim: Scim, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await scim("POST", "/Users", {
    schemas: [SCHEMA.user],
    userName,
    emails: [{ value: userName, type: "work", primary: true }],
    ...extra,
  });
  if (res.statusCode !== 201) throw new Error(`user push failed: ${res.body}`);
  return res.json().id;
}

export async function pushGroup(
  scim: Scim,
  displayName: string,
  memberIds: readonly string[] = [],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await scim("POST", "/Groups", {
    schemas: [SCHEMA.group],
    displayName,
    members: memberIds.map((value) => ({ value })),
    ...extra,
  });
  if (res.statusCode !== 201) throw new Error(`group push failed: ${res.body}`);
  return res.json().id;
}

export async function setActive(scim: Scim, userId: string, active: boolean): Promise<void> {
  const res = await scim("PATCH", `/Users/${userId}`, {
    schemas: [SCHEMA.patch],
    Operations: [{ op: "replace", value: { active } }],
  });
  if (res.statusCode !== 200) throw new Error(`user patch failed: ${res.body}`);
}

export async function changeMembers(
  scim: Scim,
  groupId: string,
  op: "add" | "remove",
  userIds: readonly string[],
): Promise<void> {
  const operations =
    op === "add"
      ? [{ op, path: "members", value: userIds.map((value) => ({ value })) }]
      : userIds.map((id) => ({ op, path: `members[value eq "${id}"]` }));
  const res = await scim("PATCH", `/Groups/${groupId}`, { schemas: [SCHEMA.patch], Operations: operations });
  if (res.statusCode !== 200 && res.statusCode !== 204) throw new Error(`group patch failed: ${res.body}`);
}
