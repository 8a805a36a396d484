import type { DatabaseConfig } from "../config.js";
import type { OutboundPrivateSetting } from "../outbound/outbound-policy.js";
import type { StorageSharing } from "../storage/connect.js";
import type { DirectoryRow, SyncRunRow } from "../storage/schema.js";
import type { RunOutcome } from "./run-finish.js";
import type { RunOptions } from "./run-execution.js";

/** What a sync run's thread starts from (its `workerData`). */
export interface SyncThreadData {
  readonly database: DatabaseConfig;
  readonly sharing: StorageSharing;
  /** The directory with its connector settings already opened: the thread holds no keyring. */
  readonly dir: { readonly row: DirectoryRow; readonly config: Record<string, unknown> };
  readonly run: SyncRunRow;
  readonly options: RunOptions;
  readonly batchSize: number | undefined;
  readonly outboundPrivate: OutboundPrivateSetting;
  /** See `SyncThreadOptions.kindsModule`; the default connector kinds without it. */
  readonly kindsModule: string | undefined;
}

export type ToSyncThread = { readonly type: "abort" };

export type FromSyncThread =
  | {
      readonly type: "log";
      readonly level: "info" | "error";
      readonly fields: Record<string, unknown>;
      readonly msg: string;
    }
  /** A commit on the thread wrote events: the serving thread's delivery worker wakes on it. */
  | { readonly type: "events" }
  | { readonly type: "done"; readonly outcome: RunOutcome };

/** Log fields that survive `postMessage`: errors as their name, message and stack; anything else uncloneable as text. */
export function cloneableLogFields(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) out[key] = { type: value.name, message: value.message, stack: value.stack };
    else if (typeof value === "function" || typeof value === "symbol") out[key] = String(value);
    else out[key] = value;
  }
  return out;
}
