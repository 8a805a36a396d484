import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";

/** How long a lease lives without renewal: a crashed process's run is taken over after this. */
export const LEASE_TTL_MS = 60_000;

/** The directory's sync row, created on first use. */
export async function ensureSyncRow(db: Kysely<Database>, directoryId: string): Promise<void> {
  await db
    .insertInto("directory_syncs")
    .values({
      directory_id: directoryId,
      lease_run_id: null,
      lease_expires_at: null,
      watermark: null,
      last_full_at: null,
      next_due_at: null,
    })
    .onConflict((oc) => oc.column("directory_id").doNothing())
    .execute();
}

/**
 * Takes the directory's run lease for `runId` if nobody holds a live one: one run per directory
 * at a time, across processes (a conditional update, atomic on both backends). Returns the run
 * id of a still-live holder when the lease is taken.
 */
export async function acquireLease(
  db: Kysely<Database>,
  directoryId: string,
  runId: string,
  now: Date,
): Promise<{ acquired: true } | { acquired: false; holder: string | null }> {
  await ensureSyncRow(db, directoryId);
  const nowIso = now.toISOString();
  const result = await db
    .updateTable("directory_syncs")
    .set({ lease_run_id: runId, lease_expires_at: new Date(now.getTime() + LEASE_TTL_MS).toISOString() })
    .where("directory_id", "=", directoryId)
    .where((eb) => eb.or([eb("lease_run_id", "is", null), eb("lease_expires_at", "<", nowIso)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return { acquired: true };
  const row = await db
    .selectFrom("directory_syncs")
    .select("lease_run_id")
    .where("directory_id", "=", directoryId)
    .executeTakeFirst();
  return { acquired: false, holder: row?.lease_run_id ?? null };
}

/** Extends a held lease; false when it was lost (expired and taken by another run). */
export async function renewLease(
  db: Kysely<Database>,
  directoryId: string,
  runId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("directory_syncs")
    .set({ lease_expires_at: new Date(now.getTime() + LEASE_TTL_MS).toISOString() })
    .where("directory_id", "=", directoryId)
    .where("lease_run_id", "=", runId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(db: Kysely<Database>, directoryId: string, runId: string): Promise<void> {
  await db
    .updateTable("directory_syncs")
    .set({ lease_run_id: null, lease_expires_at: null })
    .where("directory_id", "=", directoryId)
    .where("lease_run_id", "=", runId)
    .execute();
}
