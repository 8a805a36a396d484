import { InvalidArgumentError } from "@commander-js/extra-typings";
import { ROSTER_EVENT_TYPES, type RosterEventType, TAIL_INTERVAL_MS } from "../client/index.js";

function integerIn(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return value;
  };
}

/** `--limit`: the API's page size bounds. */
export const parseLimit = integerIn(1, 100);

/** `--grace-seconds`: 0 to 30 days, as the API allows. */
export const parseGraceSeconds = integerIn(0, 30 * 86_400);

/** `--interval-ms` of `events tail`: the client's poll interval bounds. */
export const parseIntervalMs = integerIn(TAIL_INTERVAL_MS.min, TAIL_INTERVAL_MS.max);

/** `--max-events` of `events tail`. */
export const parseMaxEvents = integerIn(1, 1_000_000);

/** `--timeout-ms` of `events tail`: up to a day. */
export const parseTimeoutMs = integerIn(1, 86_400_000);

function isEventType(value: string): value is RosterEventType {
  return (ROSTER_EVENT_TYPES as readonly string[]).includes(value);
}

/** `--events a,b`: comma-separated event types (repeating the option adds more), each one checked. */
export function parseEventTypes(raw: string, previous: RosterEventType[] = []): RosterEventType[] {
  const items = raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const unknown = items.filter((item) => !isEventType(item));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `unknown event type ${unknown.map((u) => `"${u}"`).join(", ")}; one of: ${ROSTER_EVENT_TYPES.join(", ")}`,
    );
  return [...new Set([...previous, ...items.filter(isEventType)])];
}
