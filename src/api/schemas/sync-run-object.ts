import { Type } from "typebox";
import { Nullable } from "./common.js";

const Count = Type.Integer({ minimum: 0 });

/** A pull directory's sync run. */
export const SyncRunSchema = Type.Object({
  object: Type.Literal("directory_sync_run"),
  id: Type.String(),
  directory_id: Type.String(),
  organization_id: Type.String(),
  mode: Type.Union([Type.Literal("full"), Type.Literal("delta"), Type.Literal("user")], {
    description: "`delta` reads only what changed; `user` syncs one user",
  }),
  trigger: Type.Union([Type.Literal("manual"), Type.Literal("schedule"), Type.Literal("upload")], {
    description: "What started the run (a confirmed run keeps its own)",
  }),
  dry_run: Type.Boolean(),
  username: Nullable(Type.String()),
  state: Type.Union([
    Type.Literal("running"),
    Type.Literal("succeeded"),
    Type.Literal("failed"),
    Type.Literal("needs_confirmation"),
  ]),
  phase: Type.Union([
    Type.Literal("connecting"),
    Type.Literal("users"),
    Type.Literal("groups"),
    Type.Literal("removals"),
    Type.Literal("done"),
  ]),
  started_at: Type.String(),
  finished_at: Nullable(Type.String()),
  counts: Type.Object({
    created: Count,
    updated: Count,
    deactivated: Count,
    deleted: Count,
    unchanged: Count,
    failed: Count,
  }),
  group_counts: Type.Object({ created: Count, updated: Count, deleted: Count, unchanged: Count, failed: Count }),
  progress: Type.Object(
    {
      users_seen: Type.Integer({
        minimum: 0,
        description: "Source users read so far (created, updated, unchanged or failed)",
      }),
      users_written: Type.Integer({
        minimum: 0,
        description: "Users created, updated, deactivated or deleted so far; 0 on a dry run",
      }),
      groups_seen: Type.Integer({ minimum: 0 }),
      groups_written: Type.Integer({ minimum: 0 }),
    },
    {
      description:
        "What a run has done so far, saved about every second while it runs: poll GET /directories/{id}/sync",
    },
  ),
  errors: Type.Array(Type.Object({ ref: Type.String(), message: Type.String() }), {
    description: "Per-record errors (the first 1,000)",
  }),
  failure: Nullable(Type.Object({ reason: Type.String(), message: Type.String() })),
  pending_removals: Type.Integer({
    minimum: 0,
    description: "Held runs: the users confirming would deactivate or delete",
  }),
  pending_membership_removals: Type.Integer({
    minimum: 0,
    description: "Held runs: the group memberships confirming would end",
  }),
  changes: Nullable(
    Type.Array(
      Type.Object({
        action: Type.String(),
        kind: Type.String(),
        ref: Type.String(),
        fields: Type.Optional(Type.Array(Type.String())),
      }),
      {
        description:
          "Dry runs and runs held by the mass-removal guard: the changes a real (or confirmed) run would make (the first 1,000)",
      },
    ),
  ),
  confirmed_at: Nullable(Type.String()),
});
