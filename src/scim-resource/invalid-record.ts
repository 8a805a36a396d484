/**
 * A SCIM user or group record that cannot be kept as it is: a missing userName, a member without
 * a value, an `active` that is no boolean. The SCIM door answers it with a 400 Error body
 * (scim/scim-errors-handler.ts); the SCIM pull connector counts the upstream record as invalid
 * and goes on. The RFC 7644 scimType is carried so the SCIM answer can name it.
 */
export class InvalidScimRecord extends Error {
  override readonly name = "InvalidScimRecord";
  constructor(
    readonly detail: string,
    readonly scimType: "invalidValue" | "invalidSyntax" = "invalidValue",
  ) {
    super(detail);
  }
}
