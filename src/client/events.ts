import type { RosterEvent, RosterEventType, RosterEventTypeInfo } from "./event-types.js";
import { tailEvents, type TailOptions } from "./event-tail.js";
import type { RequestOptions, Transport } from "./http.js";
import { iterate } from "./pagination.js";
import type { List, SortOrder } from "./types.js";

/** Parameters of `GET /events`. There is no `before`: the feed is read forwards only. */
export interface EventListParams {
  /** Only these event types (sent repeated; the server also takes `a,b`). */
  readonly events?: readonly RosterEventType[];
  /** Only this organization's events; an organization key always sees only its own. */
  readonly organization_id?: string;
  /** Inclusive lower bound on `created_at`: an ISO-8601 date or date-time (UTC unless it has an offset), or a Date. */
  readonly range_start?: string | Date;
  /** Exclusive upper bound on `created_at`. */
  readonly range_end?: string | Date;
  /** An event id: continue after it (the last event you processed, or `list_metadata.after`). */
  readonly after?: string;
  /** 1 to 100; 10 by default. */
  readonly limit?: number;
  /** `asc` (default): oldest first, the stream to poll. `desc`: newest first, `after` then walks back. */
  readonly order?: SortOrder;
}

/** What the event poller takes: every filter of a list, always read oldest first. */
export type EventTailParams = Omit<EventListParams, "order">;

/** `/events`. Methods are plain functions: pass them around unbound. */
export interface EventsApi {
  /**
   * One page of events. `list_metadata.after` is set when the page is full (ask again at once)
   * and null when you have caught up; to poll, pass the id of the last event you processed as `after`.
   */
  list(params?: EventListParams, options?: RequestOptions): Promise<List<RosterEvent>>;
  /**
   * Every event matching `params` from `after` (or the beginning) up to now, page after page;
   * ends when caught up. Breaking out of the loop stops the requests.
   *
   * @example
   * for await (const e of roster.events.iterate({ events: ["dsync.user.created"], after: lastSeen })) handle(e);
   */
  iterate(params?: EventListParams): AsyncGenerator<RosterEvent, void, undefined>;
  /**
   * Follows the feed like `tail -f`: yields each new event as it is written, polling every
   * `intervalMs` once caught up, until `signal` aborts (then it simply ends). It starts after the
   * newest event unless `params.after` is given or `from: "start"`. Transient failures (no answer,
   * 429, 5xx) are retried with backoff; others are thrown.
   *
   * @example
   * const stop = new AbortController();
   * for await (const e of roster.events.tail({ organization_id }, { signal: stop.signal })) console.log(e.event);
   */
  tail(params?: EventTailParams, options?: TailOptions): AsyncGenerator<RosterEvent, void, undefined>;
  /** Every event type Roster writes, each with a description and the JSON Schema of its `data`. */
  types(): Promise<List<RosterEventTypeInfo>>;
}

function isoOf(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

/** Binds the event methods to a transport. */
export function createEventsApi(http: Transport): EventsApi {
  const list = (params: EventListParams = {}, options: RequestOptions = {}) =>
    http.json<List<RosterEvent>>({
      method: "GET",
      path: "/events",
      query: { ...params, range_start: isoOf(params.range_start), range_end: isoOf(params.range_end) },
      signal: options.signal,
    });
  return Object.freeze({
    list,
    iterate: (params: EventListParams = {}) => iterate((p: EventListParams) => list(p), params),
    tail: (params: EventTailParams = {}, options: TailOptions = {}) => tailEvents(list, params, options),
    types: () => http.json<List<RosterEventTypeInfo>>({ method: "GET", path: "/events/types" }),
  });
}
