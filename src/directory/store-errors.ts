/**
 * The store's own failures, as plain codes: each door says them in its own words and status
 * (the SCIM plugin in scim/store-error-mapping.ts, the API in http/error-handler.ts).
 */
export type StoreErrorCode = "not_found" | "version_mismatch" | "uniqueness" | "unknown_members";

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** What it is about: a user or a group (its id; for `uniqueness`, the name taken), or the unknown members named. */
    readonly subject:
      | { readonly kind: "user" | "group"; readonly id: string }
      | { readonly kind: "members"; readonly ids: readonly string[] },
  ) {
    super(message);
  }
}

export const StoreErrors = {
  userNotFound: (id: string) => new StoreError("not_found", `User ${id} not found`, { kind: "user", id }),
  groupNotFound: (id: string) => new StoreError("not_found", `Group ${id} not found`, { kind: "group", id }),
  usernameTaken: (username: string) =>
    new StoreError("uniqueness", `userName "${username}" is already used in this directory`, {
      kind: "user",
      id: username,
    }),
  groupNameTaken: (name: string) =>
    new StoreError("uniqueness", `displayName "${name}" is already used by a group in this directory`, {
      kind: "group",
      id: name,
    }),
  /** The row is not at the version the write was given (the caller's, or the one read in the write). */
  versionMismatch: (kind: "user" | "group", id: string) =>
    new StoreError("version_mismatch", `${kind === "user" ? "User" : "Group"} ${id} is not at the version expected`, {
      kind,
      id,
    }),
  unknownMembers: (ids: readonly string[]) =>
    new StoreError(
      "unknown_members",
      `No user ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ` and ${ids.length - 5} more` : ""} in this directory`,
      { kind: "members", ids },
    ),
} as const;
