import type { GroupInput } from "../directory/index.js";
import { InvalidScimRecord } from "./invalid-record.js";
import { isPlainObject } from "./plain-object.js";
import type { JsonValue, ScimGroupDocument } from "./json-document.js";
import { isUnassigned } from "./unassigned.js";

const SERVER_OWNED = new Set(["id", "meta", "members"]);

function keyOf(doc: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(doc).find((k) => k.toLowerCase() === lower);
}

/** Member ids from a `members` value: `[{value}]`, Okta's `{value, display}`, or bare id strings. */
export function readMemberIds(value: unknown): string[] {
  if (isUnassigned(value)) return [];
  if (!Array.isArray(value)) throw new InvalidScimRecord("members must be an array");
  return value.map((member) => {
    const id =
      typeof member === "string"
        ? member
        : isPlainObject(member)
          ? member[keyOf(member, "value") ?? "value"]
          : undefined;
    if (typeof id !== "string" || id === "") throw new InvalidScimRecord("each member needs a value (the user's id)");
    return id;
  });
}

/** A POST/PUT group body: the document to keep (without members) and the member ids it names. */
export function readGroupBody(body: unknown): { document: ScimGroupDocument; memberIds: string[] } {
  if (!isPlainObject(body)) throw new InvalidScimRecord("The body must be a JSON object", "invalidSyntax");
  const document: ScimGroupDocument = {};
  for (const [key, value] of Object.entries(body)) {
    if (!SERVER_OWNED.has(key.toLowerCase()) && !isUnassigned(value)) document[key] = value as JsonValue;
  }
  const displayName = document[keyOf(document, "displayName") ?? "displayName"];
  if (typeof displayName !== "string" || displayName.trim() === "") {
    throw new InvalidScimRecord("displayName is required and must be a non-empty string");
  }
  return { document, memberIds: readMemberIds(body[keyOf(body, "members") ?? "members"]) };
}

export function toGroupInput(document: ScimGroupDocument): GroupInput {
  const name = document[keyOf(document, "displayName") ?? "displayName"];
  const externalId = document[keyOf(document, "externalId") ?? "externalId"];
  return {
    name: typeof name === "string" ? name : "",
    idpId: typeof externalId === "string" && externalId ? externalId : null,
    rawAttributes: document,
  };
}
