import type { EventDraft } from "./outbox.js";
import type { DirectoryGroup } from "./group-object.js";
import type { DirectoryContext } from "./types.js";
import type { DirectoryUser } from "./user-object.js";

/** Whether a membership is visible to readers: under `hide`, an inactive user's are not. */
export function membershipVisible(dir: DirectoryContext, user: Pick<DirectoryUser, "state">): boolean {
  return dir.deactivatedMembers !== "hide" || user.state === "active";
}

export function memberEvent(
  dir: DirectoryContext,
  type: "dsync.group.user_added" | "dsync.group.user_removed",
  user: DirectoryUser,
  group: DirectoryGroup,
): EventDraft {
  return {
    event: type,
    organizationId: dir.organizationId,
    directoryId: dir.id,
    data: { directory_id: dir.id, user, group },
  };
}
