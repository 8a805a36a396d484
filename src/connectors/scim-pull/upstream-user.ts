import { readUserDocument, toUserInput } from "../../scim-resource/user-document.js";
import { InvalidScimRecord } from "../../scim-resource/invalid-record.js";
import { isPlainObject } from "../../scim-resource/plain-object.js";
import type { SourceItem, SourceUser } from "../source.js";

/** The upstream's `id` of a resource: the stable key a pull directory keeps as `idp_id`. */
export function upstreamId(resource: unknown): string | null {
  const id = isPlainObject(resource) ? resource.id : undefined;
  return typeof id === "string" && id !== "" ? id : null;
}

/**
 * An upstream User resource read exactly as Roster reads one pushed to it (the same quirk
 * handling and normalization), keyed by the upstream's `id` rather than its `externalId`.
 */
export function readUpstreamUser(resource: unknown, position: string): SourceItem<SourceUser> {
  const id = upstreamId(resource);
  if (id === null) return { kind: "invalid", ref: position, message: "the resource has no id" };
  try {
    const input = toUserInput(readUserDocument(resource));
    return { kind: "record", record: { ...input, idpId: id } };
  } catch (error) {
    if (error instanceof InvalidScimRecord) return { kind: "invalid", ref: id, message: error.detail };
    throw error;
  }
}
