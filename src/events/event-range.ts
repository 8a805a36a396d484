import type { FieldError } from "../core/errors.js";
import { parseIsoInstant } from "./iso-instant.js";

export interface EventRange {
  readonly rangeStart?: string | undefined;
  readonly rangeEnd?: string | undefined;
}

export type EventRangeResult =
  | { readonly ok: true; readonly value: EventRange }
  | { readonly ok: false; readonly error: readonly FieldError[] };

/** `range_start` (inclusive) and `range_end` (exclusive) as stored UTC text; every bad bound named. */
export function parseEventRange(rangeStart: string | undefined, rangeEnd: string | undefined): EventRangeResult {
  const errors: FieldError[] = [];
  const bound = (field: string, text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    const parsed = parseIsoInstant(text);
    if (parsed.ok) return parsed.value;
    errors.push({ field, code: "format", message: parsed.error });
    return undefined;
  };
  const start = bound("range_start", rangeStart);
  const end = bound("range_end", rangeEnd);
  if (start !== undefined && end !== undefined && start > end) {
    errors.push({ field: "range_end", code: "range", message: "is earlier than range_start" });
  }
  return errors.length > 0 ? { ok: false, error: errors } : { ok: true, value: { rangeStart: start, rangeEnd: end } };
}
