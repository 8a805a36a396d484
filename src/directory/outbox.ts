import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import { queryTemplate } from "../storage/query-template.js";
import type { Database, EventInsertRow } from "../storage/schema.js";

/** Event types (WorkOS names, plus Roster's own). */
export type EventType =
  | "dsync.activated"
  | "dsync.deleted"
  | "dsync.user.created"
  | "dsync.user.updated"
  | "dsync.user.deleted"
  | "dsync.group.created"
  | "dsync.group.updated"
  | "dsync.group.deleted"
  | "dsync.group.user_added"
  | "dsync.group.user_removed"
  | "dsync.token.created"
  | "dsync.token.revoked"
  | "connector.sync.completed"
  | "connector.sync.failed";

export interface EventDraft {
  readonly event: EventType;
  readonly organizationId: string | null;
  readonly directoryId: string | null;
  readonly data: object;
}

export interface OutboxDeps {
  readonly ids: IdGenerator;
  readonly clock: Clock;
}

export type EventRow = EventInsertRow;
const insertOne = queryTemplate(
  ["id", "event", "organization_id", "directory_id", "data", "created_at"],
  (db, row: EventRow) => db.insertInto("events").values(row),
);

/** The `events` rows for drafts, stamped now; written by `appendEvents` or, with its change, by one statement. */
export function eventRows(deps: OutboxDeps, drafts: readonly EventDraft[]): EventRow[] {
  const createdAt = deps.clock.now().toISOString();
  return drafts.map((d) => ({
    id: deps.ids("event"),
    event: d.event,
    organization_id: d.organizationId,
    directory_id: d.directoryId,
    data: JSON.stringify(d.data),
    created_at: createdAt,
  }));
}

/**
 * Writes events inside the caller's transaction: the change and its event commit together or
 * not at all (the transactional outbox). Only this module makes event rows; besides this
 * function, only the one-statement writes insert them, in the statement that makes the change:
 * the user create (storage/postgres/postgres-user-create-statement.ts) and the change of members (storage/postgres/postgres-member-change-statement.ts).
 */
export async function appendEvents(
  trx: Transaction<Database> | Kysely<Database>,
  deps: OutboxDeps,
  drafts: readonly EventDraft[],
): Promise<void> {
  if (drafts.length === 0) return;
  const rows = eventRows(deps, drafts);
  const [only] = rows;
  if (rows.length === 1 && only) await insertOne.executeWrite(trx, only);
  else await trx.insertInto("events").values(rows).execute();
}
