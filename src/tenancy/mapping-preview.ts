import { AppError, Errors } from "../core/errors.js";
import type { Deps } from "../core/deps.js";
import { type DirectoryMapping, previewUserMapping, readMapping } from "../directory/index.js";
import type { DeactivatedMembersPolicy } from "../directory/directory-types.js";
import { createUserReader, type DirectoryUserWithGroups } from "../directory/user-reader.js";
import type { DirectoryRow } from "../storage/schema.js";
import { type MappingPatch, mappingChangeOf } from "./directory-mapping-change.js";

/** A mapping preview's question: the mappings to try (omitted: the saved one) on one of the directory's users. */
export interface MappingPreviewInput extends MappingPatch {
  readonly user: string;
}

/**
 * The user as it would read if the directory's mappings were those given (each omitted one stays
 * as saved): validated as a PATCH would be (422 with field errors), saved nowhere, no event.
 * A user of another directory is "not found", as it is to everyone outside its organization.
 */
export async function previewDirectoryMapping(
  deps: Deps,
  row: DirectoryRow,
  input: MappingPreviewInput,
  scope: string | null,
): Promise<DirectoryUserWithGroups> {
  const change = mappingChangeOf(input) ?? {};
  const mapping: DirectoryMapping = { ...readMapping(row.settings), ...change };
  const user = await createUserReader(deps.db, deps.caps)
    .get(input.user, scope)
    .catch((error: unknown) => {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    });
  if (!user || user.directory_id !== row.id)
    throw Errors.validation(`User ${input.user} is not a user of directory ${row.id}`, [
      { field: "user", code: "not_found", message: "is not a user of this directory" },
    ]);
  const dir = {
    id: row.id,
    organizationId: row.organization_id,
    deactivatedMembers: row.deactivated_members as DeactivatedMembersPolicy,
  };
  return previewUserMapping(deps.db, dir, mapping, user);
}
