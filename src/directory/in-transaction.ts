import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../storage/schema.js";

/**
 * Runs one store write in its own transaction or, when the store was built over a caller's
 * transaction (a connector applying a batch), inside that one under a savepoint: a failed write
 * undoes only itself and the batch goes on, while the batch still commits once.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute(work);
  const trx = db as Transaction<Database>;
  await sql`savepoint store_write`.execute(trx);
  try {
    const result = await work(trx);
    await sql`release savepoint store_write`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint store_write`.execute(trx);
    await sql`release savepoint store_write`.execute(trx);
    throw error;
  }
}
