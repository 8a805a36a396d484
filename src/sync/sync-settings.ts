import { Cron } from "croner";
import type { FieldError } from "../core/errors.js";

/** How a pull directory syncs, whatever its connector: the settings every `connector` object may carry. */
export interface SyncSettings {
  /** `"15m"`-style interval or a cron expression; null: on demand only. */
  readonly schedule: string | null;
  /** The mass-removal guard: a run removing more than this share of users waits for confirmation. */
  readonly maxRemovalPercent: number;
  /** What happens to users absent from the source. */
  readonly removal: "deactivate" | "delete";
  /** Scheduled runs are delta runs where the source allows it, and a full run at least this often (catches deletions). */
  readonly fullSyncEveryMs: number;
}

export const SYNC_SETTING_KEYS = ["schedule", "max_removal_percent", "removal", "full_sync_interval"] as const;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MIN_INTERVAL_MS = 10_000;
const DEFAULT_FULL_SYNC_MS = UNIT_MS.d as number;

/** `"30s"`, `"15m"`, `"1h"`, `"1d"` in milliseconds, or null if it is not an interval. */
export function parseInterval(text: string): number | null {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** When a schedule next fires after `from`. */
export function nextDue(schedule: string, from: Date): Date {
  const interval = parseInterval(schedule);
  if (interval !== null) return new Date(from.getTime() + interval);
  const next = new Cron(schedule, { paused: true, mode: "5-part" }).nextRun(from);
  // A pattern that never fires again (e.g. a past date): far enough that the scheduler ignores it.
  return next ?? new Date(8.64e15);
}

function checkSchedule(value: unknown, errors: FieldError[]): string | null {
  if (value === undefined || value === null || value === "") return null;
  const field = "connector.schedule";
  if (typeof value !== "string") {
    errors.push({ field, code: "invalid_type", message: 'must be an interval such as "15m" or a cron expression' });
    return null;
  }
  const interval = parseInterval(value);
  if (interval !== null) {
    if (interval < MIN_INTERVAL_MS) errors.push({ field, code: "too_small", message: "must be at least 10s" });
    return value.trim();
  }
  try {
    new Cron(value, { paused: true, mode: "5-part" });
    return value.trim();
  } catch (error) {
    errors.push({
      field,
      code: "invalid_schedule",
      message: `neither an interval ("15m", "1h") nor a 5-field cron expression: ${(error as Error).message}`,
    });
    return null;
  }
}

/** Reads the common settings of a `connector` object, with field errors for what is wrong. */
export function readSyncSettings(connector: Record<string, unknown>): { settings: SyncSettings; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const schedule = checkSchedule(connector.schedule, errors);

  let maxRemovalPercent = 20;
  const percent = connector.max_removal_percent;
  if (percent !== undefined) {
    if (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
      errors.push({
        field: "connector.max_removal_percent",
        code: "out_of_range",
        message: "must be a number from 0 to 100",
      });
    } else maxRemovalPercent = percent;
  }

  let removal: SyncSettings["removal"] = "deactivate";
  if (connector.removal !== undefined) {
    if (connector.removal === "deactivate" || connector.removal === "delete") removal = connector.removal;
    else errors.push({ field: "connector.removal", code: "invalid_enum", message: 'must be "deactivate" or "delete"' });
  }

  let fullSyncEveryMs = DEFAULT_FULL_SYNC_MS;
  if (connector.full_sync_interval !== undefined) {
    const parsed =
      typeof connector.full_sync_interval === "string" ? parseInterval(connector.full_sync_interval) : null;
    if (parsed === null)
      errors.push({
        field: "connector.full_sync_interval",
        code: "invalid_interval",
        message: 'must be an interval such as "24h"',
      });
    else fullSyncEveryMs = parsed;
  }
  return { settings: { schedule, maxRemovalPercent, removal, fullSyncEveryMs }, errors };
}
