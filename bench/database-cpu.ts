import { readFileSync } from "node:fs";
import pg from "pg";
import { PG_ADMIN_URL } from "../test/support/databases.js";

const TICK_MICROS = 10_000; // /proc reports CPU time in clock ticks, 100 a second on Linux

/**
 * The CPU time PostgreSQL's backends serving one database have used, from /proc (the database
 * runs on this machine in the bench): what a request costs the database besides the server.
 * Only backends alive at both readings count, which the servers' pooled connections are.
 */
export async function databaseCpu(
  database: string,
): Promise<{ read(): Promise<Map<number, number>>; close(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  return {
    async read() {
      const { rows } = await admin.query<{ pid: number }>("select pid from pg_stat_activity where datname = $1", [
        database,
      ]);
      const micros = new Map<number, number>();
      for (const { pid } of rows) {
        try {
          // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
          const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
          micros.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MICROS);
        } catch {
          // the backend ended
        }
      }
      return micros;
    },
    close: () => admin.end(),
  };
}

/** The CPU time used between two readings by the backends present in both, in µs. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, micros] of after) {
    const was = before.get(pid);
    if (was !== undefined) total += micros - was;
  }
  return total;
}
