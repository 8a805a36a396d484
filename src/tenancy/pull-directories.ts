import type { ConnectorKinds } from "../connectors/connector-kind.js";
import {
  checkConnector,
  mergeConnector,
  movesPosition,
  openConnector,
  publicConnector,
  sealConnector,
} from "../sync/connector-settings.js";
import type { Clock } from "../core/clock.js";
import { Errors } from "../core/errors.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import type { Db } from "../directory/types.js";
import type { OutboundPolicy } from "../outbound/outbound-policy.js";
import { connectorUrlErrors } from "../outbound/url-host-check.js";
import type { DirectoryRow } from "../storage/schema.js";
import { nextDue, readSyncSettings } from "../sync/sync-settings.js";

/** What the directory service needs to keep pull directories' connector settings. */
export interface PullDirectories {
  /** Checks a new directory's connector and seals it (credentials included). */
  seal(
    type: string,
    directoryId: string,
    connector: Record<string, unknown> | undefined,
    policy: OutboundPolicy,
  ): string;
  /** A PATCH's connector merged over the stored one, checked and sealed again. */
  reseal(row: DirectoryRow, patch: Record<string, unknown>, policy: OutboundPolicy): string;
  /** The connector as the API shows it: no credentials. */
  present(row: DirectoryRow): Record<string, unknown>;
  /** Whether a PATCH's connector points the source elsewhere, so the kept delta watermark must go. */
  movesPosition(row: DirectoryRow, patch: Record<string, unknown>): boolean;
  /** Drops the kept delta watermark: the next run reads everything. */
  forgetPosition(db: Db, directoryId: string): Promise<void>;
  /** Sets when the scheduler next runs the directory (none without a schedule). */
  schedule(db: Db, row: DirectoryRow): Promise<void>;
}

export function createPullDirectories(deps: {
  readonly clock: Clock;
  readonly keyring: SecretKeyring;
  readonly kinds: ConnectorKinds;
}): PullDirectories {
  const { kinds, keyring, clock } = deps;

  function sealChecked(
    type: string,
    directoryId: string,
    config: Record<string, unknown>,
    policy: OutboundPolicy,
  ): string {
    checkConnector(kinds, type, config);
    const refused = connectorUrlErrors(config, policy);
    if (refused.length > 0) throw Errors.validation("The connector names a private address", refused);
    return sealConnector(keyring.box(), directoryId, config);
  }

  return {
    seal(type, directoryId, connector, policy) {
      if (connector === undefined && !kinds[type]?.settingsOptional) {
        throw Errors.validation(`Directory type "${type}" needs a connector object`, [
          { field: "connector", code: "required", message: "is required for pull directory types" },
        ]);
      }
      return sealChecked(type, directoryId, connector ?? {}, policy);
    },

    reseal(row, patch, policy) {
      const stored = openConnector(keyring.box(), row.id, row.connector ?? "");
      return sealChecked(row.type, row.id, mergeConnector(stored, patch), policy);
    },

    movesPosition(row, patch) {
      if (row.connector === null) return false;
      return movesPosition(kinds, row.type, openConnector(keyring.box(), row.id, row.connector), patch);
    },

    async forgetPosition(db, directoryId) {
      await db
        .updateTable("directory_syncs")
        .set({ watermark: null })
        .where("directory_id", "=", directoryId)
        .execute();
    },

    present(row) {
      if (row.connector === null) return {};
      return publicConnector(kinds, row.type, openConnector(keyring.box(), row.id, row.connector));
    },

    async schedule(db, row) {
      const config = row.connector === null ? {} : openConnector(keyring.box(), row.id, row.connector);
      const { schedule } = readSyncSettings(config).settings;
      const next_due_at = schedule ? nextDue(schedule, clock.now()).toISOString() : null;
      await db
        .insertInto("directory_syncs")
        .values({
          directory_id: row.id,
          lease_run_id: null,
          lease_expires_at: null,
          watermark: null,
          last_full_at: null,
          next_due_at,
        })
        .onConflict((oc) => oc.column("directory_id").doUpdateSet({ next_due_at }))
        .execute();
    },
  };
}
