import { ScimError, type ScimType } from "../errors.js";
import { applyGroupPatch } from "./group-patch.js";
import { normalizePatchRequest } from "./normalize-patch-request.js";
import type { MemberChange, ScimGroupDocument, ScimUserDocument } from "./patch-types.js";
import { applyUserPatch } from "./user-patch.js";

export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const USER_ID = "01JD3USER00000000000000001";
export const GROUP_ID = "01JD3GROUP0000000000000001";

export function patchBody(...operations: unknown[]): { schemas: string[]; Operations: unknown[] } {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** Normalizes and applies a PATCH body to a user, as the PATCH /Users/{id} route does. */
export function patchUser(user: ScimUserDocument, body: unknown): ScimUserDocument {
  return applyUserPatch(user, normalizePatchRequest(body, "User", { resourceId: USER_ID }));
}

export function patchGroup(
  group: ScimGroupDocument,
  body: unknown,
): { document: ScimGroupDocument; members: MemberChange } {
  return applyGroupPatch(group, normalizePatchRequest(body, "Group", { resourceId: GROUP_ID }));
}

/** The ScimError `run` throws; fails the test when it throws nothing or something else. */
export function scimErrorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error("expected a ScimError, nothing was thrown");
}

export function expectScimError(run: () => unknown, scimType: ScimType): ScimError {
  const error = scimErrorOf(run);
  if (error.status !== 400 || error.scimType !== scimType) {
    throw new Error(`expected 400 ${scimType}, got ${error.status} ${error.scimType ?? "(none)"}: ${error.detail}`);
  }
  return error;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** The user Entra creates (Microsoft Learn tutorial, "Create User"), without id and meta. */
export function entraUser(): ScimUserDocument {
  return {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
    active: true,
    emails: [{ primary: true, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" }],
    name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
  };
}
