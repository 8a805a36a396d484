import { type ControlledTransaction, type Kysely, sql } from "kysely";
import { appendEvents, type EventDraft, type OutboxDeps } from "../../src/directory/outbox.js";
import type { Database } from "../../src/storage/schema.js";

/** Two PostgreSQL writers that commit out of sequence order, the younger one still running. */
export interface XidRace {
  /** Commits the younger writer, whose event has the lower sequence number. */
  commitYounger(): Promise<void>;
  /** Rolls the younger writer back if still open: a failed test must not hold xmin back for others. */
  abandon(): Promise<void>;
}

/**
 * The SPEC §5 race the feed must survive, on separate connections: writer A takes its xid first
 * but writes its event late (higher seq) and commits; writer B, younger, drew the lower seq
 * earlier and is left running. A reader now sees A's event as settled (its xid is below xmin,
 * which is B's) while B's lower seq is yet to commit.
 */
export async function raceOlderXidPastLowerSeq(
  db: Kysely<Database>,
  deps: OutboxDeps,
  older: EventDraft,
  younger: EventDraft,
): Promise<XidRace> {
  const open = new Set<ControlledTransaction<Database>>();
  const begin = async () => {
    const trx = await db.startTransaction().execute();
    open.add(trx);
    await sql`select pg_current_xact_id()`.execute(trx); // takes the xid now
    return trx;
  };
  const end = async (trx: ControlledTransaction<Database>, how: "commit" | "rollback") => {
    if (!open.delete(trx)) return;
    await (how === "commit" ? trx.commit() : trx.rollback()).execute();
  };
  try {
    const a = await begin();
    const b = await begin();
    await appendEvents(b, deps, [younger]); // the lower seq, the younger xid
    await appendEvents(a, deps, [older]); // the higher seq, the older xid
    await end(a, "commit");
    return { commitYounger: () => end(b, "commit"), abandon: () => end(b, "rollback") };
  } catch (err) {
    for (const trx of [...open]) await end(trx, "rollback");
    throw err;
  }
}
