import type { Kysely } from "kysely";
import { AppError, Errors } from "../core/errors.js";
import type { Database, SyncRunRow } from "../storage/schema.js";

/**
 * A run held by the mass-removal guard (`needs_confirmation`), read for a confirm or a discard:
 * 404 when the directory has no such run, 409 when it is not held.
 */
export async function heldRun(
  db: Kysely<Database>,
  directoryId: string,
  runId: string,
  action: "confirmed" | "discarded",
): Promise<SyncRunRow> {
  const run = await db
    .selectFrom("sync_runs")
    .selectAll()
    .where("id", "=", runId)
    .where("directory_id", "=", directoryId)
    .executeTakeFirst();
  if (!run) throw Errors.notFound("Sync run", runId);
  if (run.state !== "needs_confirmation") throw notHeld(run, action);
  return run;
}

function notHeld(run: Pick<SyncRunRow, "id" | "state">, action: "confirmed" | "discarded"): AppError {
  return new AppError(
    409,
    "not_awaiting_confirmation",
    `Run ${run.id} is ${run.state}; only a run in needs_confirmation can be ${action}`,
  );
}

/** A confirm must release the directory's newest real run: a later one superseded this one. */
export async function refuseIfSuperseded(db: Kysely<Database>, held: SyncRunRow): Promise<void> {
  if (held.dry_run === 1)
    throw new AppError(409, "dry_run", `Run ${held.id} was a dry run, which changes nothing; start a real run`);
  const newer = await db
    .selectFrom("sync_runs")
    .select("id")
    .where("directory_id", "=", held.directory_id)
    .where("id", ">", held.id)
    .where("dry_run", "=", 0)
    .executeTakeFirst();
  if (newer)
    throw new AppError(
      409,
      "superseded",
      `Run ${held.id} was superseded by run ${newer.id}; confirm the latest run instead`,
    );
}

/**
 * Drops a held run: it ends `failed` (reason `discarded`) and can no longer be confirmed. The held
 * pass wrote nothing, so nothing is undone; its `changes` stay as the record of what was refused.
 */
export async function discardHeldRun(
  db: Kysely<Database>,
  directoryId: string,
  runId: string,
  now: Date,
): Promise<void> {
  await heldRun(db, directoryId, runId, "discarded");
  // Conditional: a confirm that won the race keeps the run.
  const result = await db
    .updateTable("sync_runs")
    .set({
      state: "failed",
      failure_reason: "discarded",
      failure_message: "Discarded: the changes held for confirmation were not applied",
      upload: null,
      heartbeat_at: now.toISOString(),
    })
    .where("id", "=", runId)
    .where("state", "=", "needs_confirmation")
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    const moved = await db
      .selectFrom("sync_runs")
      .select(["id", "state"])
      .where("id", "=", runId)
      .executeTakeFirstOrThrow();
    throw notHeld(moved, "discarded");
  }
}
