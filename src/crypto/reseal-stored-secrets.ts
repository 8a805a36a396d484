import { type Kysely, sql } from "kysely";
import type { Database } from "../storage/schema.js";
import { SEALED_COLUMNS } from "../storage/sealed-columns.js";
import type { SecretBox } from "./secret-box.js";

const BATCH = 200;

export interface ResealReport {
  /** Values sealed under an older key, now sealed under the current one. */
  readonly resealed: number;
  /** Values already under the current key. */
  readonly current: number;
  /** Values no configured key opens (`table.column id`): the rotation cannot finish until they do. */
  readonly unreadable: readonly string[];
}

/**
 * Re-seals every stored secret under the box's current key, in batches of 200 rows per
 * transaction. A row changed meanwhile (its sealed text differs from what was read) is left to the
 * writer, which seals under the current key too. Safe to run again: current values are skipped.
 */
export async function resealStoredSecrets(db: Kysely<Database>, box: SecretBox): Promise<ResealReport> {
  let resealed = 0;
  let current = 0;
  const unreadable: string[] = [];
  for (const { table, column, context } of SEALED_COLUMNS) {
    let after = "";
    for (;;) {
      const rows = await sql<{ id: string; sealed: string }>`
        select id, ${sql.ref(column)} as sealed from ${sql.table(table)}
        where id > ${after} and ${sql.ref(column)} is not null order by id limit ${BATCH}`.execute(db);
      if (rows.rows.length === 0) break;
      after = rows.rows[rows.rows.length - 1]?.id ?? after;
      await db.transaction().execute(async (trx) => {
        for (const { id, sealed } of rows.rows) {
          if (box.isCurrent(sealed)) {
            current++;
            continue;
          }
          let plain: string;
          try {
            plain = box.open(sealed, context(id));
          } catch {
            unreadable.push(`${table}.${column} ${id}`);
            continue;
          }
          await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${box.seal(plain, context(id))}
            where id = ${id} and ${sql.ref(column)} = ${sealed}`.execute(trx);
          resealed++;
        }
      });
    }
  }
  return { resealed, current, unreadable };
}
