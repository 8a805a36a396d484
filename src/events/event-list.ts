import type { Deps } from "../core/deps.js";
import { Errors } from "../core/errors.js";
import type { EventType } from "../directory/outbox.js";
import type { EventRow } from "../storage/schema.js";
import { readSettledEvents } from "./event-feed.js";

/** An event as the API serves it (WorkOS's shape). */
export interface EventObject {
  readonly object: "event";
  readonly id: string;
  readonly event: string;
  /** What the outbox was given: always an object. */
  readonly data: object;
  readonly created_at: string;
}

export interface EventListRequest {
  /** The caller's organization, or null for the admin. */
  readonly scope: string | null;
  readonly organizationId?: string | undefined;
  readonly types?: readonly EventType[] | undefined;
  /** Inclusive lower bound on `created_at`, as stored ISO-8601 UTC text. */
  readonly rangeStart?: string | undefined;
  /** Exclusive upper bound on `created_at`. */
  readonly rangeEnd?: string | undefined;
  /**
   * An event id: serve what comes after it in the listing's order (older events when `desc`).
   */
  readonly after?: string | undefined;
  readonly limit: number;
  /**
   * `asc` (default): the stream, oldest first. `desc`: newest first, what the WorkOS SDK's
   * `order` option asks for; paging with `after` then walks back in time.
   */
  readonly order?: "asc" | "desc" | undefined;
}

export interface EventPage {
  readonly data: EventObject[];
  /** The last event's id when the page is full (more may follow at once); null otherwise. */
  readonly after: string | null;
}

function toEventObject(row: EventRow): EventObject {
  return {
    object: "event",
    id: row.id,
    event: row.event,
    data: JSON.parse(row.data) as object,
    created_at: row.created_at,
  };
}

/** The events API over the settled feed: the cursor is an event id, its place the event's feed position. */
export function createEventList(deps: Pick<Deps, "db" | "caps">) {
  const { db, caps } = deps;

  /**
   * The feed position of a cursor, by the unique index on events.id. Only an event this caller
   * could have been served counts: one of another organization would reveal that id, and one not
   * yet settled would let a reader start past a position that may still commit.
   */
  async function positionOf(cursor: string, scope: string | null): Promise<string> {
    let query = db.selectFrom("events").select("feed_pos").where("id", "=", cursor);
    if (caps.eventsSettled) query = query.where(caps.eventsSettled);
    if (scope !== null) query = query.where("organization_id", "=", scope);
    const row = await query.executeTakeFirst();
    if (!row)
      throw Errors.invalidRequest("Unknown cursor", [
        { field: "after", code: "unknown_cursor", message: "is not an event id from this feed" },
      ]);
    return row.feed_pos;
  }

  return Object.freeze({
    async list(request: EventListRequest): Promise<EventPage> {
      const { scope } = request;
      // An organization key names only its own organization; any other answers as unknown (no leak).
      if (scope !== null && request.organizationId !== undefined && request.organizationId !== scope) {
        throw Errors.notFound("Organization", request.organizationId);
      }
      const cursor = request.after === undefined ? undefined : await positionOf(request.after, scope);
      const descending = request.order === "desc";
      const rows = await readSettledEvents(db, caps, {
        after: descending ? undefined : cursor,
        before: descending ? cursor : undefined,
        order: descending ? "desc" : "asc",
        limit: request.limit,
        types: request.types,
        organizationId: scope ?? request.organizationId,
        rangeStart: request.rangeStart,
        rangeEnd: request.rangeEnd,
      });
      const full = rows.length === request.limit;
      return { data: rows.map(toEventObject), after: full ? (rows.at(-1)?.id ?? null) : null };
    },
  });
}

export type EventList = ReturnType<typeof createEventList>;
