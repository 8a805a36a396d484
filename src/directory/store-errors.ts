import { AppError } from "../core/errors.js";

/** The store's own failures; adapters map the codes to their wire format (SCIM scimType, API code). */
export const StoreErrors = {
  userNotFound: (id: string) => new AppError(404, "user_not_found", `User ${id} not found`),
  groupNotFound: (id: string) => new AppError(404, "group_not_found", `Group ${id} not found`),
  usernameTaken: (username: string) => new AppError(409, "username_taken", `userName "${username}" is already used in this directory`),
  groupNameTaken: (name: string) => new AppError(409, "group_name_taken", `displayName "${name}" is already used by a group in this directory`),
  versionMismatch: (id: string) => new AppError(412, "version_mismatch", `${id} was changed since the version given in If-Match`),
  unknownMembers: (ids: readonly string[]) =>
    new AppError(400, "unknown_members", `No user ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ` and ${ids.length - 5} more` : ""} in this directory`),
} as const;
