import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../storage/schema.js";

/**
 * Where the store's operations write: the database, each operation in its own transaction, or a
 * batch's transaction (`store.batch`), each operation under a savepoint there.
 */
export type WriteScope =
  | { readonly inBatch: false; readonly db: Kysely<Database> }
  | { readonly inBatch: true; readonly db: Transaction<Database> };

/**
 * Runs one store write in its own transaction or, inside a batch, under a savepoint: a failed
 * write undoes only itself and the batch goes on, while the batch still commits once.
 */
export async function inTransaction<T>(
  scope: WriteScope,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (!scope.inBatch) return scope.db.transaction().execute(work);
  const trx = scope.db;
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
