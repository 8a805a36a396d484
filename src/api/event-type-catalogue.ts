import { type TSchema, Type } from "typebox";
import type { EVENT_TYPES } from "../events/event-types.js";
import { DirectoryGroupSchema, DirectoryUserSchema } from "./schemas/directory-sync-objects.js";
import { DirectorySchema } from "./schemas/objects.js";
import { SyncRunSchema } from "./schemas/sync-run-object.js";

/** One event type: what it means and the shape of its `data`, as `GET /events/types` lists it. */
export interface EventTypeEntry {
  readonly object: "event_type";
  readonly event: (typeof EVENT_TYPES)[number];
  readonly description: string;
  /** The `data` object's JSON Schema (the same schemas as the API's own objects). */
  readonly data_schema: TSchema;
}

// An event's user is the API's directory_user without `groups`: memberships have events of their own.
const { groups: _groups, ...eventUserProperties } = DirectoryUserSchema.properties;
const EventUserSchema = Type.Object(eventUserProperties);

/** What an update event adds to the object: the changed attributes' values before the change. */
const withPrevious = (schema: typeof EventUserSchema | typeof DirectoryGroupSchema) =>
  Type.Object({
    ...schema.properties,
    previous_attributes: Type.Record(Type.String(), Type.Unknown(), {
      description: "Each changed attribute's value before the change",
    }),
  });

const MembershipSchema = Type.Object({
  directory_id: Type.String(),
  user: EventUserSchema,
  group: DirectoryGroupSchema,
});
const TokenCreatedSchema = Type.Object({
  directory_id: Type.String(),
  last4: Type.String({ description: "The token's last 4 characters; never the token" }),
});
const TokenRevokedSchema = Type.Object({
  directory_id: Type.String(),
  last4: Type.String({ description: "The revoked token's last 4 characters" }),
  grace_seconds: Type.Integer({ description: "How long it keeps working after the rotation; 0: it stopped at once" }),
});

/**
 * Every event type Roster writes with the shape of its `data`. Typed by the list of types, so a
 * new type does not compile until it is described here.
 */
const CATALOGUE: { readonly [K in (typeof EVENT_TYPES)[number]]: readonly [description: string, data: TSchema] } = {
  "dsync.activated": [
    "A directory was created or restored (for a SCIM directory: ready for its identity provider)",
    DirectorySchema,
  ],
  "dsync.deleted": ["A directory was deleted (restorable until its restorable_until)", DirectorySchema],
  "dsync.user.created": ["A user was provisioned", EventUserSchema],
  "dsync.user.updated": ["A user's attributes or state changed (deactivation included)", withPrevious(EventUserSchema)],
  "dsync.user.deleted": ["A user was deleted (its last state, inactive)", EventUserSchema],
  "dsync.group.created": ["A group was created", DirectoryGroupSchema],
  "dsync.group.updated": ["A group was renamed or its attributes changed", withPrevious(DirectoryGroupSchema)],
  "dsync.group.deleted": ["A group was deleted (its members got dsync.group.user_removed first)", DirectoryGroupSchema],
  "dsync.group.user_added": ["A user joined a group (or became visible in it again)", MembershipSchema],
  "dsync.group.user_removed": ["A user left a group (or stopped being visible in it)", MembershipSchema],
  "dsync.token.created": ["A SCIM token was minted for a directory", TokenCreatedSchema],
  "dsync.token.revoked": ["A directory's SCIM token was rotated out", TokenRevokedSchema],
  "connector.sync.completed": ["A pull directory's sync run ended succeeded or needs_confirmation", SyncRunSchema],
  "connector.sync.failed": ["A pull directory's sync run failed (failure says why)", SyncRunSchema],
};

export const EVENT_TYPE_CATALOGUE: readonly EventTypeEntry[] = Object.freeze(
  Object.entries(CATALOGUE).map(([event, [description, data_schema]]) => ({
    object: "event_type" as const,
    event: event as EventTypeEntry["event"],
    description,
    data_schema,
  })),
);
