import type { StoreError } from "../directory/store-errors.js";
import { createScimError, type ScimError } from "./errors.js";

/** A store failure as the SCIM door answers it (RFC 7644 §3.12): the store's code, in SCIM's status and words. */
export function scimErrorOfStore(error: StoreError): ScimError {
  const { subject } = error;
  switch (error.code) {
    case "not_found":
      return createScimError(404, { detail: error.message, cause: error });
    case "version_mismatch": {
      const what =
        subject.kind === "members" ? "The resource" : `${subject.kind === "user" ? "User" : "Group"} ${subject.id}`;
      return createScimError(412, { detail: `${what} is not at the version If-Match names`, cause: error });
    }
    case "uniqueness":
      return createScimError(409, { detail: error.message, scimType: "uniqueness", cause: error });
    case "unknown_members":
      return createScimError(400, { detail: error.message, scimType: "invalidValue", cause: error });
  }
}
