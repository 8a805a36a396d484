import type { MemberChange } from "../../directory/index.js";
import { createScimError } from "../errors.js";

/**
 * Members one PATCH may name. Entra sends a few per PATCH, Okta's full push names the whole group
 * (`replace members`), and a 1 MiB body holds about 25,000; 10,000 leaves room for large pushes
 * while bounding one request's diff. A POST or PUT names the whole group (Okta custom apps push
 * membership that way only) and is bounded by the body limit alone.
 */
export const MAX_PATCH_MEMBERS = 10_000;

export function assertPatchMemberCount(change: MemberChange): void {
  const named = (change.replaceAll?.length ?? 0) + change.add.length + change.remove.length;
  if (named > MAX_PATCH_MEMBERS) {
    throw createScimError(400, {
      detail: `A PATCH may name at most ${MAX_PATCH_MEMBERS.toLocaleString("en-US")} members; this one names ${named.toLocaleString("en-US")}: send them in several PATCHes`,
      scimType: "invalidValue",
    });
  }
}
