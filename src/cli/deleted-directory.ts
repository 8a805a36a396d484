import type { RosterClient } from "../client/index.js";
import { CliError } from "./cli-error.js";
import { formatTime } from "./output.js";

/**
 * An empty list filtered by `--directory`: if that directory is deleted, say so (with until when
 * it can be restored) instead of an empty list a script would take for "no users". A live or
 * unknown directory leaves the empty list alone (an unknown one was already refused by the server).
 */
export async function refuseDeletedDirectory(
  client: RosterClient,
  directoryId: string | undefined,
  what: "users" | "groups",
): Promise<void> {
  if (directoryId === undefined) return;
  const directory = await client.directories.get(directoryId);
  if (directory.deleted_at === null) return;
  const until = directory.restorable_until === null ? "" : ` until ${formatTime(directory.restorable_until)}`;
  throw new CliError(
    `directory ${directoryId} was deleted at ${formatTime(directory.deleted_at)}, so its ${what} are not listed; it can be restored${until} with: roster directory restore ${directoryId}`,
  );
}
