export { applyGroupPatch } from "./group-patch.js";
export { isJsonObject } from "./json-guards.js";
export { type NormalizeOptions, normalizePatchRequest } from "./normalize-patch-request.js";
export type {
  AssignOperation,
  JsonObject,
  JsonPrimitive,
  JsonValue,
  MemberChange,
  PatchOperation,
  PatchTarget,
  ScimGroupDocument,
  ScimUserDocument,
} from "./patch-types.js";
export { applyUserPatch } from "./user-patch.js";
